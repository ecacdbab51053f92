/**
 * How many training threads a command uses when `--threads` is not given: the machine's cores,
 * capped by what pays. A thread pays only when its shard of a micro-batch is enough work to
 * hide what every shard costs whatever its size (tfjs's per-kernel cost, about 40 ms a step
 * for mnist-tiny's 903 kernel calls, is paid by each thread in full) and the pool's own
 * (publishing the parameters, messages, summing gradients); below MIN_GFLOP_PER_THREAD per
 * shard one thread is used.
 */
import { availableParallelism } from 'node:os';
import { countFlops } from '../../compiler/analysis/index.ts';
import type { Graph } from '../../compiler/ir/types.ts';
import type { BackendName } from '../tfjs/target.ts';

/**
 * Training FLOPs (forward and backward) one thread's shard should at least hold, in GFLOP.
 * Measured on 2 cores (bench/threads.ts, docs/cpu.md), the second thread's speedup by shard
 * size: 1.6 GFLOP (mnist-tiny, batch 64) 0.95-1.14x, 3.2 (mnist-tiny, 128) 1.05x, 4.1
 * (fashion-mnist, 64) 1.22x, 14.4 (cifar-small, 64) 1.35x.
 */
export const MIN_GFLOP_PER_THREAD = 4;
/** The most threads chosen by default (more are taken only when asked for). */
export const MAX_DEFAULT_THREADS = 16;
/** The most threads accepted by --threads. */
export const MAX_THREADS = 256;

export interface ThreadChoice {
  readonly threads: number;
  /** Why, for the start-up line. */
  readonly reason: string;
}

/** Whether a backend trains in maec's threads (wasm, cpu) rather than in parallel on its own. */
export function threadsApply(backend: BackendName): boolean {
  return backend === 'wasm' || backend === 'cpu';
}

/**
 * The cores this process may fill by default: MAEC_THREAD_CORES when set (maec sweep and
 * maec worker set it for the stages they run side by side, so that W stages share the cores
 * rather than each taking all of them), else every logical core.
 */
export function coresForThreads(env: NodeJS.ProcessEnv = process.env): number {
  const given = env['MAEC_THREAD_CORES'];
  const n = given !== undefined && /^\d+$/.test(given) ? Number(given) : NaN;
  return Number.isSafeInteger(n) && n >= 1 ? n : availableParallelism();
}

/** The default number of training threads for `graph` at `batch` images per micro-batch on `backend`. */
export function defaultThreads(graph: Graph, batch: number, backend: BackendName, cores = coresForThreads()): ThreadChoice {
  if (!threadsApply(backend)) return { threads: 1, reason: `${backend} computes in parallel itself` };
  const gflop = (countFlops(graph).step.total * batch) / 1e9;
  const byWork = Math.max(1, Math.floor(gflop / MIN_GFLOP_PER_THREAD));
  const threads = Math.max(1, Math.min(cores, MAX_DEFAULT_THREADS, byWork, batch));
  const limit = threads === cores ? `${cores} core${cores === 1 ? '' : 's'}` : threads === byWork ? `${gflop.toFixed(2)} GFLOP per micro-batch, at least ${MIN_GFLOP_PER_THREAD} a thread` : threads === batch ? `batch ${batch}` : `at most ${MAX_DEFAULT_THREADS} by default`;
  return { threads, reason: limit };
}

/** A problem with a requested thread count on `backend`, or undefined. */
export function checkThreads(threads: number, backend: BackendName): string | undefined {
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS) return `--threads must be an integer from 1 to ${MAX_THREADS}, found ${threads}`;
  if (threads > 1 && !threadsApply(backend)) return `--threads ${threads} needs the wasm or cpu backend; ${backend} computes in parallel itself (use --threads 1 or leave it out)`;
  return undefined;
}

/**
 * Before running `parallel` stages side by side (maec sweep --workers, maec worker
 * --concurrency): gives each stage an equal share of the cores for its default thread count by
 * setting MAEC_THREAD_CORES for the children, unless the user set it. Returns the share.
 */
export function shareCores(parallel: number, env: NodeJS.ProcessEnv = process.env): number {
  if (env['MAEC_THREAD_CORES'] !== undefined) return coresForThreads(env);
  const share = Math.max(1, Math.floor(coresForThreads(env) / Math.max(1, parallel)));
  env['MAEC_THREAD_CORES'] = String(share);
  return share;
}
