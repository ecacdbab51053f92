import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { openTarget } from '../../runtime/tfjs/target.ts';
import { linearFlat } from '../../runtime/tfjs/ops/flat-linear.ts';
import { Rng } from '../../runtime/rng.ts';
import { randomTensor } from './reference.ts';
import { countKernels } from '../../bench/op-count.ts';

type Linear = (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => tf.Tensor;

/** The formulation the flat linear replaces: reshape to 2-D, tf.fused.matMul with transposeB, reshape back. */
const reshapeFusedMatMul: Linear = (x, w, b) => {
  const out = w.shape[0]!;
  const inFeatures = w.size / out;
  const y = tf.fused.matMul({ a: tf.reshape(x, [-1, inFeatures]) as tf.Tensor2D, b: tf.reshape(w, [out, inFeatures]) as tf.Tensor2D, transposeB: true, bias: b });
  return tf.reshape(y, [...x.shape.slice(0, -1), out]);
};

/** y and the gradients of sum(y * r) for x, w and b. */
function valueAndGrads(f: Linear, x: tf.Tensor, w: tf.Tensor, b: tf.Tensor, r: tf.Tensor): Float32Array[] {
  return tf.tidy(() => {
    const { value, grads } = tf.valueAndGrads((xs: tf.Tensor, ws: tf.Tensor, bs: tf.Tensor) => tf.sum(tf.mul(f(xs, ws, bs), r)))([x, w, b]);
    const y = f(x, w, b);
    return [y, value, ...grads].map((t) => t.dataSync() as Float32Array);
  });
}

const cases: { name: string; x: number[]; w: number[] }[] = [
  { name: 'tokens [3, 17, 48] by W [40, 48]', x: [3, 17, 48], w: [40, 48] },
  { name: 'rows [50, 24] by W [24, 24]', x: [50, 24], w: [24, 24] },
  { name: 'patches [2, 16, 48] by a conv weight [32, 3, 4, 4]', x: [2, 16, 48], w: [32, 3, 4, 4] },
];

for (const backend of ['wasm', 'cpu'] as const) {
  test(`on ${backend} the flat linear gives bit for bit the values and gradients of reshape + fused matMul`, async () => {
    await openTarget(backend);
    const rng = Rng.fromSeed(31);
    for (const c of cases) {
      const out = c.w[0]!;
      const x = randomTensor(rng, c.x);
      const w = randomTensor(rng, c.w);
      const b = randomTensor(rng, [out]);
      const r = randomTensor(rng, [...c.x.slice(0, -1), out]);
      const flat = valueAndGrads(linearFlat, x, w, b, r);
      const reference = valueAndGrads(reshapeFusedMatMul, x, w, b, r);
      for (const [i, what] of ['y', 'loss', 'dx', 'dW', 'db'].entries()) assert.deepEqual(flat[i], reference[i], `${c.name}: ${what}`);
      tf.dispose([x, w, b, r]);
    }
  });
}

test('through a stack of 12 layers the flat linear runs under half the kernels of reshape + fused matMul', async (t) => {
  await openTarget('wasm');
  const rng = Rng.fromSeed(5);
  const x = randomTensor(rng, [4, 17, 64]);
  const ws = Array.from({ length: 12 }, () => randomTensor(rng, [64, 64]));
  const b = randomTensor(rng, [64]);
  const stack = (f: Linear) => () =>
    tf.tidy(() => tf.grads((...vars: tf.Tensor[]) => tf.sum(vars.reduce((h, w) => f(h, w, b), x)))(ws).map((g) => g.dataSync()));
  const flat = countKernels(stack(linearFlat));
  const reference = countKernels(stack(reshapeFusedMatMul));
  t.diagnostic(`kernel calls for 12 layers, forward and backward: flat ${flat.total}, reshape + fused matMul ${reference.total}`);
  assert.ok(flat.total * 2 < reference.total, `flat ${flat.total}, reference ${reference.total}`);
  tf.dispose([x, b, ...ws]);
});
