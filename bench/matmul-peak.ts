/**
 * The matmul peak of maec's wasm kernels: GFLOP/s of the plain 2-D product
 * [4096, 192] x [192, 768] (bench/step.ts's peak), on the calling thread or on N threads at
 * once, each a worker thread with its own tfjs-wasm and maec's kernels (as the training
 * threads of runtime/parallel have). Each thread times back-to-back products for a window and
 * counts only those that run while every thread is busy.
 */
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { summedRates } from './thread-rates.ts';

export const PEAK_SHAPE = { m: 4096, k: 192, n: 768 } as const;

/** GFLOP/s of the peak product on the current tfjs backend, over `ms` milliseconds. */
export function matmulPeakHere(ms: number, countFrom = 0.25, countUntil = 0.9): number {
  const { m, k, n } = PEAK_SHAPE;
  const a = tf.randomUniform([m, k]);
  const b = tf.randomUniform([k, n]);
  const t0 = performance.now();
  let flops = 0;
  let busy = 0;
  for (;;) {
    const s = performance.now();
    if (s - t0 > ms) break;
    const c = tf.matMul(a, b);
    // one element read back waits for the product without copying 12 MiB out
    const corner = tf.slice(c, [0, 0], [1, 1]);
    corner.dataSync();
    tf.dispose([c, corner]);
    const e = performance.now();
    if (s - t0 > ms * countFrom && e - t0 < ms * countUntil) {
      flops += 2 * m * k * n;
      busy += e - s;
    }
  }
  tf.dispose([a, b]);
  return flops / (busy * 1e6);
}

/** The summed GFLOP/s of `threads` worker threads timing the peak product at the same time. */
export async function matmulPeakThreads(threads: number, ms = 3000): Promise<number> {
  const url = new URL('./threads-peak/entry.mjs', import.meta.url);
  return summedRates(threads, () => new Worker(url, { workerData: { ms } }), 'matmul peak');
}
