import { Worker } from 'node:worker_threads';
import { parseInteger } from '../numbers.ts';
import type { EvaluateReply, EvaluateRequest } from './evaluate-worker.ts';
import { isInsideMaec, MAEC_ENTRY } from './typecheck.ts';

/** How long a model file may take to evaluate unless MAEC_MODEL_TIMEOUT_MS says otherwise. */
export const DEFAULT_MODEL_TIMEOUT_MS = 30_000;

/**
 * Evaluating a model file failed: it threw (`thrownStack` is the thrown error's, to find the line in
 * the file), or it did not finish within `timeoutMs`.
 */
export class ModelEvaluationError extends Error {
  override readonly name = 'ModelEvaluationError';
  constructor(
    message: string,
    /** The stack of what the file threw, when it threw an Error. */
    readonly thrownStack: string | undefined,
    readonly timeoutMs?: number,
  ) {
    super(message);
  }
}

/**
 * The time limit of one evaluation: MAEC_MODEL_TIMEOUT_MS (milliseconds, a positive integer)
 * when set, else DEFAULT_MODEL_TIMEOUT_MS. Throws naming the variable when it is set to anything else.
 */
export function modelTimeoutMs(env: Readonly<Record<string, string | undefined>> = process.env): number {
  const text = env['MAEC_MODEL_TIMEOUT_MS'];
  if (text === undefined) return DEFAULT_MODEL_TIMEOUT_MS;
  const ms = parseInteger(text);
  if (ms === undefined || ms < 1) throw new ModelEvaluationError(`MAEC_MODEL_TIMEOUT_MS must be a positive integer (milliseconds), found ${text}`, undefined);
  return ms;
}

/**
 * Evaluates a model file and returns its exports by name, as plain data (import.ts,
 * `cloneable`). The file runs in a worker thread, so a file that loops forever at import is
 * stopped after `timeoutMs` instead of hanging the command; a file that calls process.exit
 * ends only its worker. Throws ModelEvaluationError when the file throws, stops or runs out of time.
 */
export async function loadModule(path: string, timeoutMs = modelTimeoutMs()): Promise<Readonly<Record<string, unknown>>> {
  const request: EvaluateRequest = { path, maecEntry: isInsideMaec(path) ? null : MAEC_ENTRY };
  const worker = new Worker(new URL('./worker-entry.mjs', import.meta.url), { workerData: request });
  let timer: NodeJS.Timeout | undefined;
  try {
    const reply = await new Promise<EvaluateReply>((resolve, reject) => {
      timer = setTimeout(
        () => reject(new ModelEvaluationError(`evaluating the module did not finish within ${timeoutMs} ms (does it loop at import?); set MAEC_MODEL_TIMEOUT_MS to allow longer`, undefined, timeoutMs)),
        timeoutMs,
      );
      worker.once('message', resolve);
      worker.once('error', (e) => reject(new ModelEvaluationError(e.message, e.stack)));
      worker.once('exit', (code) => reject(new ModelEvaluationError(`the module ended its evaluation without exporting anything (exit code ${code})`, undefined)));
    });
    if (!reply.ok) throw new ModelEvaluationError(reply.message, reply.stack);
    return reply.exports;
  } finally {
    clearTimeout(timer);
    await worker.terminate();
  }
}
