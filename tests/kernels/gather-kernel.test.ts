import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs-core';
import { installedKernels, installKernels } from '../../runtime/tfjs/kernels/index.ts';
import { gatherKernelNames } from '../../runtime/tfjs/kernels/gather.ts';
import { gatherTokens, gatherTokensWithWasmKernels } from '../../runtime/tfjs/ops/tokens.ts';
import { policyFor } from '../../runtime/tfjs/lowering-policy.ts';
import { Rng } from '../../runtime/rng.ts';
import { registerGradients } from '../../runtime/tfjs/gradients.ts';
import { kernelEnv, useWasm } from './reference.ts';

registerGradients();
await useWasm();
await installKernels({ env: kernelEnv() }); // installed even under MAEC_KERNELS=off
const policy = policyFor('wasm', true);

/** A prefix of K ids of a seeded permutation of 0..L-1 per sample: what random masking gathers. */
function maskingIds(rng: Rng, n: number, l: number, k: number): Int32Array {
  const ids = new Int32Array(n * k);
  for (let s = 0; s < n; s++) {
    const perm = Array.from({ length: l }, (_, i) => i);
    for (let i = l - 1; i > 0; i--) {
      const j = Math.floor(rng.uniform() * (i + 1));
      [perm[i], perm[j]] = [perm[j]!, perm[i]!];
    }
    ids.set(perm.slice(0, k), s * k);
  }
  return ids;
}

function values(rng: Rng, size: number): Float32Array {
  return Float32Array.from({ length: size }, () => rng.normal());
}

/** The value and the gradient of sum(gather(x) * w) under one gatherTokens implementation. */
function valueAndGrad(impl: typeof gatherTokens, x: tf.Tensor, ids: tf.Tensor, w: tf.Tensor): { y: Float32Array; dx: Float32Array } {
  return tf.tidy(() => {
    const y = impl(policy, x, ids);
    const dx = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(impl(policy, t, ids), w)))(x);
    return { y: y.dataSync() as Float32Array, dx: dx.dataSync() as Float32Array };
  });
}

test('the wasm gather kernels are installed with the elementwise kernels', () => {
  assert.ok(installedKernels().includes(gatherKernelNames.gather), 'MaecGatherTokens installed');
  assert.ok(installedKernels().includes(gatherKernelNames.scatter), 'MaecScatterTokens installed');
});

test('the kernel gather equals gatherTokens (GatherV2 + ScatterNd), values and gradients bit for bit, for masking ids of random N, L, K, D', () => {
  const rng = Rng.fromSeed(7);
  fc.assert(
    fc.property(
      fc.record({ n: fc.integer({ min: 1, max: 4 }), l: fc.integer({ min: 1, max: 20 }), d: fc.integer({ min: 1, max: 9 }), keep: fc.double({ min: 0, max: 1, noNaN: true }) }),
      ({ n, l, d, keep }) => {
        const k = Math.max(1, Math.round(l * keep));
        const ids = tf.tensor2d(maskingIds(rng, n, l, k), [n, k], 'int32');
        const x = tf.tensor3d(values(rng, n * l * d), [n, l, d]);
        const w = tf.tensor3d(values(rng, n * k * d), [n, k, d]);
        const stock = valueAndGrad(gatherTokens, x, ids, w);
        const ours = valueAndGrad(gatherTokensWithWasmKernels, x, ids, w);
        tf.dispose([ids, x, w]);
        assert.deepStrictEqual(ours.y, stock.y, 'gathered values');
        assert.deepStrictEqual(ours.dx, stock.dx, 'gradient (positions not gathered are +0)');
      },
    ),
    { numRuns: 60 },
  );
});

test('the scatter sums repeated ids in k order, as the gradient of a gather must', () => {
  // x [1, 3, 2]; ids [0, 2, 0, 0]: row 0 gathered three times, row 1 never.
  const x = tf.tensor3d([1, 2, 3, 4, 5, 6], [1, 3, 2]);
  const ids = tf.tensor2d([[0, 2, 0, 0]], [1, 4], 'int32');
  const w = tf.tensor3d([0.5, 1, 0.25, 2, 1e8, -3, 1, 1], [1, 4, 2]);
  const y = gatherTokensWithWasmKernels(policy, x, ids);
  assert.deepEqual(Array.from(y.dataSync()), [1, 2, 5, 6, 1, 2, 1, 2]);
  const dx = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(gatherTokensWithWasmKernels(policy, t, ids), w)))(x);
  const f = Math.fround;
  // float32 sums in order k = 0, 2, 3: ((0 + 0.5) + 1e8) + 1 and ((0 + 1) + -3) + 1.
  assert.deepEqual(Array.from(dx.dataSync()), [f(f(f(0.5) + 1e8) + 1), -1, 0, 0, 0.25, 2]);
  tf.dispose([x, ids, w, y, dx]);
});

test('an id outside [0, L) is an error naming the id and its position, in the gather and in the scatter', () => {
  const x = tf.tensor3d([1, 2, 3, 4], [2, 2, 1]);
  const bad = tf.tensor2d([[0, 1], [1, 2]], [2, 2], 'int32');
  assert.throws(() => tf.engine().runKernel(gatherKernelNames.gather, { x, ids: bad }), /MaecGatherTokens: ids\[1, 1\] = 2 is outside \[0, 2\)/);
  const negative = tf.tensor2d([[-1, 0], [0, 1]], [2, 2], 'int32');
  const dy = tf.tensor3d([1, 2, 3, 4], [2, 2, 1]);
  assert.throws(() => tf.engine().runKernel(gatherKernelNames.scatter, { dy, ids: negative }, { length: 2 }), /MaecScatterTokens: ids\[0, 0\] = -1 is outside \[0, 2\)/);
  const ok = tf.tensor2d([[0, 1], [1, 0]], [2, 2], 'int32');
  assert.throws(() => tf.engine().runKernel(gatherKernelNames.scatter, { dy, ids: ok }, { length: 0 }), /MaecScatterTokens: expected attr length a positive integer, got 0/);
  assert.throws(() => tf.engine().runKernel(gatherKernelNames.scatter, { dy, ids: ok }, {}), /MaecScatterTokens: expected attr length a positive integer, got undefined/);
  const wrongDtype = tf.tensor2d([[0, 1], [1, 0]], [2, 2], 'float32');
  assert.throws(() => tf.engine().runKernel(gatherKernelNames.gather, { x, ids: wrongDtype }), /expected ids int32 \[N, K\] with N = 2, got float32 \[2,2\]/);
  tf.dispose([x, bad, negative, dy, ok, wrongDtype]);
});
