/**
 * The `--threads N` flag of the training commands: data-parallel training threads on wasm and
 * cpu (runtime/parallel). Left out, a new run takes runtime/parallel/threads.ts's default and a
 * resumed one the count it recorded.
 */
import type { Graph } from '../compiler/ir/types.ts';
import { checkThreads, defaultThreads, MAX_DEFAULT_THREADS, MIN_GFLOP_PER_THREAD, type ThreadChoice } from '../runtime/parallel/threads.ts';
import type { BackendName } from '../runtime/tfjs/target.ts';
import { intFlag } from './numbers.ts';

export const THREADS_FLAG = {
  kind: 'string',
  value: 'N',
  help: `training threads on wasm/cpu, each computing a shard of every batch (default: the cores, at most ${MAX_DEFAULT_THREADS}, and one per ${MIN_GFLOP_PER_THREAD} GFLOP of a micro-batch; recorded, so --resume keeps it)`,
} as const;

/**
 * The thread count for a run: `text` (the flag) when given, else `recorded` (a resumed run's),
 * else the default; or the problem as a message.
 */
export function chooseThreads(text: string | undefined, recorded: number | undefined, graph: Graph, batch: number, backend: BackendName): ThreadChoice | string {
  if (text !== undefined) {
    const n = intFlag(text, 'threads', 1, 1);
    if (typeof n === 'string') return n;
    return checkThreads(n, backend) ?? { threads: n, reason: 'requested with --threads' };
  }
  if (recorded !== undefined) {
    if (checkThreads(recorded, backend) !== undefined) return `the run trained with ${recorded} threads, which need the wasm or cpu backend, not ${backend}: resume it with --backend wasm`;
    return { threads: recorded, reason: 'recorded by the run' };
  }
  return defaultThreads(graph, batch, backend);
}
