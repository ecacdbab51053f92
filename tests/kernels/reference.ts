/**
 * Test helpers: a naive float64 matmul with numpy batch broadcasting (the semantics our
 * kernel implements), its error bound, and seeded random tensors.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { Rng } from '../../runtime/rng.ts';

/** Activates the wasm backend once per test file. */
export async function useWasm(): Promise<void> {
  await tf.setBackend('wasm');
  await tf.ready();
}

/** A float32 tensor of standard normal values drawn from `rng`. */
export function randomTensor(rng: Rng, shape: readonly number[]): tf.Tensor {
  const size = shape.reduce((n, d) => n * d, 1);
  const values = new Float32Array(size);
  for (let i = 0; i < size; ++i) values[i] = rng.normal();
  return tf.tensor(values, [...shape], 'float32');
}

/** The naive product and, per output element, sum |a_ip b_pj|: the scale of its rounding error. */
export function referenceMatMul(
  a: Float32Array, aShape: readonly number[],
  b: Float32Array, bShape: readonly number[],
  transposeA: boolean, transposeB: boolean,
): { shape: number[]; values: Float64Array; scale: Float64Array } {
  const [a0, a1] = aShape.slice(-2) as [number, number];
  const [b0, b1] = bShape.slice(-2) as [number, number];
  const m = transposeA ? a1 : a0, k = transposeA ? a0 : a1, n = transposeB ? b0 : b1;
  const rank = Math.max(aShape.length, bShape.length) - 2;
  const pad = (s: readonly number[]): number[] => [...new Array<number>(rank - (s.length - 2)).fill(1), ...s.slice(0, -2)];
  const aBatch = pad(aShape), bBatch = pad(bShape);
  const outBatch = aBatch.map((x, d) => Math.max(x, bBatch[d] ?? 1));
  const batch = outBatch.reduce((p, d) => p * d, 1);
  const values = new Float64Array(batch * m * n);
  const scale = new Float64Array(batch * m * n);
  for (let t = 0; t < batch; ++t) {
    // Unravel t over outBatch, then ravel it over each operand's batch with size-1 dims pinned to 0.
    let rest = t, ta = 0, tb = 0, sa = 1, sb = 1;
    for (let d = rank - 1; d >= 0; --d) {
      const size = outBatch[d] ?? 1, idx = rest % size;
      rest = Math.floor(rest / size);
      const da = aBatch[d] ?? 1, db = bBatch[d] ?? 1;
      ta += (da === 1 ? 0 : idx) * sa; sa *= da;
      tb += (db === 1 ? 0 : idx) * sb; sb *= db;
    }
    for (let i = 0; i < m; ++i) {
      for (let j = 0; j < n; ++j) {
        let sum = 0, abs = 0;
        for (let p = 0; p < k; ++p) {
          const x = a[ta * m * k + (transposeA ? p * m + i : i * k + p)] ?? NaN;
          const y = b[tb * k * n + (transposeB ? j * k + p : p * n + j)] ?? NaN;
          sum += x * y;
          abs += Math.abs(x * y);
        }
        values[(t * m + i) * n + j] = sum;
        scale[(t * m + i) * n + j] = abs;
      }
    }
  }
  return { shape: [...outBatch, m, n], values, scale };
}

/** Index of the first element with |actual - expected| > tol * scale, or -1. */
export function firstMismatch(actual: ArrayLike<number>, expected: ArrayLike<number>, scale: ArrayLike<number>, tol = 1e-5): number {
  for (let i = 0; i < expected.length; ++i) {
    const e = expected[i] ?? NaN, a = actual[i] ?? NaN, s = scale[i] ?? NaN;
    if (!(Math.abs(a - e) <= tol * s + 1e-30)) return i;
  }
  return actual.length === expected.length ? -1 : expected.length;
}

/**
 * The env a kernel test installs with: MAEC_KERNELS is ignored (the test is about the kernels),
 * MAEC_KERNELS_SIMD passed through so the suite runs on either build (docs/cpu.md).
 */
export function kernelEnv(): Record<string, string | undefined> {
  return { MAEC_KERNELS_SIMD: process.env['MAEC_KERNELS_SIMD'] };
}
