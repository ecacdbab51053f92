/**
 * Counts the tfjs kernels a piece of code runs (every kernel call goes through
 * tf.engine().runKernel, including those of gradient functions and of the engine's own clones),
 * for bench/peer.ts and the tests. Hook it into another bench the same way:
 *
 *   const { total, byKernel } = countKernels(() => harness.step());
 */
import * as tf from '@tensorflow/tfjs-core';

export interface KernelCount {
  readonly total: number;
  /** calls by kernel name, most first */
  readonly byKernel: readonly (readonly [string, number])[];
}

/** Runs `f` once and returns what it returned with the kernels it ran. Not reentrant. */
export function countKernels<T>(f: () => T): KernelCount & { readonly result: T } {
  const engine = tf.engine() as unknown as { runKernel: (name: string, ...rest: unknown[]) => unknown };
  const original = engine.runKernel;
  const counts = new Map<string, number>();
  engine.runKernel = function (this: unknown, name: string, ...rest: unknown[]) {
    counts.set(name, (counts.get(name) ?? 0) + 1);
    return original.call(this, name, ...rest);
  };
  let result: T;
  try {
    result = f();
  } finally {
    engine.runKernel = original;
  }
  const byKernel = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return { result, total: byKernel.reduce((n, [, c]) => n + c, 0), byKernel };
}
