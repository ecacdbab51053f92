import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs-core';
import { installedKernels, installKernels } from '../../runtime/tfjs/kernels/index.ts';
import { headKernelNames } from '../../runtime/tfjs/kernels/heads.ts';
import { Rng } from '../../runtime/rng.ts';
import { kernelEnv, randomTensor, useWasm } from './reference.ts';

await useWasm();
await installKernels({ env: kernelEnv() }); // installed even under MAEC_KERNELS=off

/** The ops formulation: x [N, T, P*H*hd] -> P tensors [H*N, T, hd], rows ordered (head, sample). */
function splitByOps(x: tf.Tensor, parts: number, heads: number): tf.Tensor[] {
  const [n, t, width] = x.shape as [number, number, number];
  const hd = width / parts / heads;
  const byHead = tf.transpose(tf.reshape(x, [n, t, parts * heads, hd]), [2, 0, 1, 3]); // [P*H, N, T, hd]
  return tf.split(tf.reshape(byHead, [parts, heads * n, t, hd]), parts, 0).map((p) => tf.reshape(p, [heads * n, t, hd]));
}

/** Its inverse: P tensors [H*N, T, hd] -> [N, T, P*H*hd]. */
function mergeByOps(xs: readonly tf.Tensor[], heads: number, n: number): tf.Tensor {
  const [, t, hd] = xs[0]!.shape as [number, number, number];
  const byHead = tf.reshape(tf.concat([...xs], 0), [xs.length * heads, n, t, hd]);
  return tf.reshape(tf.transpose(byHead, [1, 2, 0, 3]), [n, t, xs.length * heads * hd]);
}

const data = (t: tf.Tensor) => t.dataSync() as Float32Array;

test('the head kernels are installed with the elementwise kernels', () => {
  assert.ok(installedKernels().includes(headKernelNames.split) && installedKernels().includes(headKernelNames.merge));
});

test('MaecSplitHeads and MaecMergeHeads equal the reshape-transpose-split formulation bit for bit, and merge inverts split, for random N, T, H, hd and P = 1 or 3', () => {
  const rng = Rng.fromSeed(11);
  fc.assert(
    fc.property(
      fc.record({ n: fc.integer({ min: 1, max: 4 }), t: fc.integer({ min: 1, max: 9 }), heads: fc.integer({ min: 1, max: 4 }), hd: fc.integer({ min: 1, max: 7 }), parts: fc.constantFrom(1, 3) }),
      ({ n, t, heads, hd, parts }) => {
        tf.tidy(() => {
          const x = randomTensor(rng, [n, t, parts * heads * hd]);
          const ours = tf.engine().runKernel(headKernelNames.split, { x }, { heads, parts }) as unknown as tf.Tensor[];
          const want = splitByOps(x, parts, heads);
          assert.equal(ours.length, parts);
          ours.forEach((o, p) => {
            assert.deepEqual(o.shape, [heads * n, t, hd]);
            assert.deepStrictEqual(data(o), data(want[p]!), `part ${p}`);
          });
          const inputs = Object.fromEntries(ours.map((o, p) => [`x${p}`, o]));
          const back = tf.engine().runKernel(headKernelNames.merge, inputs, { heads, samples: n }) as tf.Tensor;
          assert.deepEqual(back.shape, x.shape);
          assert.deepStrictEqual(data(back), data(x), 'merge(split(x)) = x');
          assert.deepStrictEqual(data(back), data(mergeByOps(ours, heads, n)), 'merge equals the ops formulation');
        });
      },
    ),
    { numRuns: 80 },
  );
});

test('the head kernels refuse shapes that do not divide and inputs that disagree, naming the tensor', () => {
  tf.tidy(() => {
    const x = tf.zeros([2, 3, 10]);
    assert.throws(() => tf.engine().runKernel(headKernelNames.split, { x }, { heads: 2, parts: 3 }), /MaecSplitHeads: expected x float32 \[N, T, 3 \* 2 \* hd\], got float32 \[2,3,10\]/);
    assert.throws(() => tf.engine().runKernel(headKernelNames.split, { x }, { heads: 0, parts: 1 }), /MaecSplitHeads: expected attr heads a positive integer, got 0/);
    const a = tf.zeros([4, 3, 5]);
    const b = tf.zeros([4, 2, 5]);
    assert.throws(() => tf.engine().runKernel(headKernelNames.merge, { x0: a, x1: b }, { heads: 2, samples: 2 }), /MaecMergeHeads: expected x1 float32 \[2 \* 2, 3, 5\] like x0, got float32 \[4,2,5\]/);
    assert.throws(() => tf.engine().runKernel(headKernelNames.merge, { x0: a }, { heads: 3, samples: 2 }), /MaecMergeHeads: expected x0 float32 \[3 \* 2, 3, 5\]/);
  });
});
