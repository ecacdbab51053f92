/**
 * The masking gathers (shuffle to the kept tokens, unshuffle with ids_restore) and their
 * backward scatter, one dispatch each:
 *   out[n, k, :] = x[n, ids[n, k], :]                x [N, L, D], ids [N, K] int32 -> [N, K, D]
 *   dx[n, l, :]  = dy[n, k, :] where ids[n, k] = l, else 0                           [N, L, D]
 * The ids of a row are distinct (a prefix of a permutation), so the scatter assigns each
 * position at most once and is exact. One thread per (sample, column) owns that column of dx:
 * it zeroes it and then scatters into it, with no other thread touching it.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { groupsFor, run } from './program.ts';

const THREADS = 64;

export function gatherTokens(backend: WebGPUBackend, x: tf.TensorInfo, ids: tf.TensorInfo): tf.TensorInfo {
  const [n, l, d] = x.shape as [number, number, number];
  const k = ids.shape[1]!;
  const size = n * k * d;
  return run(
    backend,
    {
      key: `gather_${l}_${k}_${d}`,
      inputs: ['x', 'ids'],
      outputShape: [n, k, d],
      workgroupSize: THREADS,
      workgroups: groupsFor(size, THREADS),
      code: `
const L: i32 = ${l};
const K: i32 = ${k};
const D: i32 = ${d};
fn main(index: i32) {
  if (index < uniforms.size) {
    let c = index % D;
    let row = index / D;          // n * K + k
    let s = row / K;
    result[index] = x[(s * L + ids[row]) * D + c];
  }
}`,
    },
    [x, ids],
    'float32',
  );
}

export function scatterTokens(backend: WebGPUBackend, dy: tf.TensorInfo, ids: tf.TensorInfo, l: number): tf.TensorInfo {
  const [n, k, d] = dy.shape as [number, number, number];
  return run(
    backend,
    {
      key: `scatter_${l}_${k}_${d}`,
      inputs: ['dy', 'ids'],
      outputShape: [n, l, d],
      workgroupSize: THREADS,
      workgroups: groupsFor(n * d, THREADS),
      code: `
const N: i32 = ${n};
const L: i32 = ${l};
const K: i32 = ${k};
const D: i32 = ${d};
fn main(index: i32) {
  if (index < N * D + 0 * uniforms.size) {
    let c = index % D;
    let s = index / D;
    for (var p = 0; p < L; p++) { result[(s * L + p) * D + c] = 0.0; }
    for (var q = 0; q < K; q++) {
      let row = s * K + q;
      result[(s * L + ids[row]) * D + c] = dy[row * D + c];
    }
  }
}`,
    },
    [dy, ids],
    'float32',
  );
}
