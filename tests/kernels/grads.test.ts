import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { installKernels, uninstallKernels } from '../../runtime/tfjs/kernels/index.ts';
import { Rng } from '../../runtime/rng.ts';
import { registerGradients } from '../../runtime/tfjs/gradients.ts';
import { randomTensor, useWasm, kernelEnv } from './reference.ts';

await useWasm();
registerGradients();

/** A small attention-like expression whose gradients need every transpose-flag combination. */
function expression(q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, w: tf.Tensor): tf.Scalar {
  const scores = tf.matMul(q, k, false, true); // [3, 13, 13]
  const mixed = tf.matMul(tf.sigmoid(scores), v); // [3, 13, 9]
  const projected = tf.matMul(mixed, w); // [3, 13, 11]; tfjs's matMul gradient cannot reduce a broadcast w
  return tf.sum(tf.square(tf.matMul(projected, projected, true, false))); // [3, 11, 11]
}

async function gradients(kernels: boolean): Promise<Float32Array[]> {
  if (kernels) await installKernels({ route: 'always', env: kernelEnv() });
  try {
    const rng = Rng.fromSeed(11);
    const inputs = [randomTensor(rng, [3, 13, 9]), randomTensor(rng, [3, 13, 9]), randomTensor(rng, [3, 13, 9]), randomTensor(rng, [3, 9, 11])];
    const grads = tf.grads((q, k, v, w) => expression(q!, k!, v!, w!))(inputs);
    const values = grads.map((g) => g.dataSync() as Float32Array);
    tf.dispose([...inputs, ...grads]);
    return values;
  } finally {
    uninstallKernels();
  }
}

test('gradients through matMul with our kernels equal the stock gradients within 1e-5 relative', async () => {
  const stock = await gradients(false);
  const ours = await gradients(true);
  assert.equal(ours.length, stock.length);
  stock.forEach((s, i) => {
    const o = ours[i]!;
    const scale = s.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
    const worst = s.reduce((m, x, j) => Math.max(m, Math.abs(x - (o[j] ?? NaN))), 0);
    assert.ok(worst <= 1e-5 * scale, `gradient ${i}: max difference ${worst} against max magnitude ${scale}`);
  });
});

test('computing gradients with our kernels leaves no tensor behind', async () => {
  await gradients(true); // first call compiles; count after it
  const before = tf.memory().numTensors;
  await gradients(true);
  assert.equal(tf.memory().numTensors, before);
});
