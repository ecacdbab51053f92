import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs-core';
import { openTarget } from '../../runtime/tfjs/target.ts';
import { kernelEnv } from './reference.ts';
import { installKernels, installedKernels } from '../../runtime/tfjs/kernels/index.ts';

/** The elements of x [shape] at begin..begin+size, by plain index arithmetic. */
function reference(x: Float32Array, shape: readonly number[], begin: readonly number[], size: readonly number[]): number[] {
  const out: number[] = [];
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const visit = (d: number, offset: number) => {
    if (d === shape.length) return void out.push(x[offset]!);
    for (let i = 0; i < size[d]!; i++) visit(d + 1, offset + (begin[d]! + i) * strides[d]!);
  };
  visit(0, 0);
  return out;
}

const sliceCase = fc
  .array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 4 })
  .chain((shape) =>
    fc.tuple(fc.constant(shape), fc.tuple(...shape.map((n) => fc.integer({ min: 0, max: n - 1 }).chain((b) => fc.tuple(fc.constant(b), fc.integer({ min: 1, max: n - b })))))),
  );

test('the in-place Slice equals index arithmetic for random shapes and windows, and split along any axis re-concatenates to the input', async () => {
  await openTarget('wasm');
  await installKernels({ env: kernelEnv() }); // installed even under MAEC_KERNELS=off
  assert.ok(installedKernels().includes('Slice') && installedKernels().includes('SplitV'), 'maec slice kernels installed');
  fc.assert(
    fc.property(sliceCase, ([shape, window]) => {
      const x = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => i * 0.5 - 3);
      const begin = window.map(([b]) => b);
      const size = window.map(([, s]) => s);
      const got = tf.tidy(() => Array.from(tf.slice(tf.tensor(x, shape), begin, size).dataSync()));
      assert.deepEqual(got, reference(x, shape, begin, size));
      const axis = shape.length - 1 - (begin[0]! % shape.length);
      const again = tf.tidy(() => {
        const t = tf.tensor(x, shape);
        const parts = tf.split(t, [1, shape[axis]! - 1].filter((s) => s > 0), axis);
        return Array.from(tf.concat(parts, axis).dataSync());
      });
      assert.deepEqual(again, Array.from(x));
    }),
    { numRuns: 150 },
  );
});

test('the in-place Slice handles int32 tensors', async () => {
  await openTarget('wasm');
  const got = tf.tidy(() => Array.from(tf.slice(tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3], 'int32'), [0, 1], [2, 2]).dataSync()));
  assert.deepEqual(got, [2, 3, 5, 6]);
});
