import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { openTarget } from '../../runtime/tfjs/target.ts';
import { kernelEnv } from './reference.ts';
import { installKernels } from '../../runtime/tfjs/kernels/index.ts';

/** x [M, K] . W^T + b computed in float64, W [N, K]. */
function reference(x: Float32Array, w: Float32Array, b: Float32Array, m: number, k: number, n: number): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = b[j]!;
      for (let t = 0; t < k; t++) s += x[i * k + t]! * w[j * k + t]!;
      out[i * n + j] = s;
    }
  return out;
}

test('a tiny fused product with transposeB is right with the kernels installed (stock _FusedMatMul is not)', async () => {
  await openTarget('wasm');
  const installed = await installKernels({ env: kernelEnv() }); // installed even under MAEC_KERNELS=off
  assert.ok(installed.installed);
  for (const [m, k, n] of [[2, 3, 4], [8, 16, 4], [4, 4, 4]] as const) {
    const x = Float32Array.from({ length: m * k }, (_, i) => Math.sin(i + 1));
    const w = Float32Array.from({ length: n * k }, (_, i) => Math.cos(i * 0.7));
    const b = Float32Array.from({ length: n }, (_, i) => i * 0.1);
    const got = tf.tidy(() => tf.fused.matMul({ a: tf.tensor2d(x, [m, k]), b: tf.tensor2d(w, [n, k]), transposeB: true, bias: tf.tensor1d(b) }).dataSync());
    const want = reference(x, w, b, m, k, n);
    for (let i = 0; i < want.length; i++) assert.ok(Math.abs(got[i]! - want[i]!) < 1e-5, `[${m},${k}]x[${n},${k}]^T element ${i}: ${got[i]} vs ${want[i]}`);
  }
});
