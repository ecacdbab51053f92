/**
 * The body of the model-file evaluation worker (load.ts starts it through worker-entry.mjs):
 * evaluates the file named in workerData and posts its exports, or what it threw.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { cloneable, importModule } from './import.ts';

/** What the worker is given. */
export interface EvaluateRequest {
  readonly path: string;
  /** See importModule. */
  readonly maecEntry: string | null;
}

/** What it answers: the exports, or the thrown value's message and stack. */
export type EvaluateReply =
  | { readonly ok: true; readonly exports: Readonly<Record<string, unknown>> }
  | { readonly ok: false; readonly message: string; readonly stack: string | undefined };

const request = workerData as EvaluateRequest;
let reply: EvaluateReply;
try {
  reply = { ok: true, exports: cloneable(await importModule(request.path, request.maecEntry)) as Record<string, unknown> };
} catch (e) {
  reply = e instanceof Error ? { ok: false, message: e.message, stack: e.stack } : { ok: false, message: String(e), stack: undefined };
}
parentPort!.postMessage(reply);
