/** Messages between a GradientPool (pool.ts) and its training threads (grad-worker.ts). */
import type { Graph } from '../../compiler/ir/types.ts';
import type { BackendName } from '../tfjs/target.ts';
import type { HostInputs, HostTensor } from './shards.ts';

/** What a thread is started with (worker_threads' workerData). */
export interface WorkerInit {
  readonly graph: Graph;
  readonly backend: BackendName;
  /** Whether maec's wasm kernels are installed, as on the main thread. */
  readonly kernels: boolean;
  /** Every parameter of the graph, in graph order, concatenated (written by the pool). */
  readonly params: SharedArrayBuffer;
  /** This thread's gradients of `wrt`, in that order, concatenated (written by the thread). */
  readonly grads: SharedArrayBuffer;
  readonly wrt: readonly string[];
}

export interface StepRequest {
  readonly kind: 'step';
  /** Bumped by the pool whenever it writes new parameter values. */
  readonly paramsVersion: number;
  readonly inputs: HostInputs;
  readonly dropPathKeep?: ReadonlyArray<readonly [string, Float32Array]>;
}

/** Evaluate `outputs` on a shard (a forward pass: feature extraction). */
export interface RunRequest {
  readonly kind: 'run';
  readonly paramsVersion: number;
  readonly inputs: HostInputs;
  readonly outputs: readonly string[];
}

export type WorkerRequest = StepRequest | RunRequest;

export type WorkerReply =
  | { readonly kind: 'ready'; readonly target: string }
  | { readonly kind: 'done'; readonly loss: number }
  | { readonly kind: 'outputs'; readonly values: ReadonlyArray<readonly [string, HostTensor]> }
  | { readonly kind: 'failed'; readonly message: string };

/** Byte layout of the named tensors in one flat Float32 buffer. */
export interface Layout {
  readonly offsets: ReadonlyMap<string, number>;
  readonly sizes: ReadonlyMap<string, number>;
  readonly total: number;
}

export function layoutOf(entries: ReadonlyArray<readonly [string, readonly number[]]>): Layout {
  const offsets = new Map<string, number>();
  const sizes = new Map<string, number>();
  let total = 0;
  for (const [name, shape] of entries) {
    const size = shape.reduce((a, b) => a * b, 1);
    offsets.set(name, total);
    sizes.set(name, size);
    total += size;
  }
  return { offsets, sizes, total };
}

/** The view of `name` in a buffer laid out by `layout`. */
export function viewOf(buffer: SharedArrayBuffer, layout: Layout, name: string): Float32Array {
  const offset = layout.offsets.get(name);
  if (offset === undefined) throw new Error(`no tensor "${name}" in the shared layout`);
  return new Float32Array(buffer, offset * 4, layout.sizes.get(name)!);
}
