import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs-core';
import { installKernels, uninstallKernels } from '../../runtime/tfjs/kernels/index.ts';
import { Rng } from '../../runtime/rng.ts';
import { firstMismatch, randomTensor, referenceMatMul, useWasm, kernelEnv } from './reference.ts';

await useWasm();

/** Batch dims of a and b: each out dim is shared, broadcast from a, or broadcast from b. */
const batchDims = fc
  .array(fc.record({ size: fc.integer({ min: 1, max: 5 }), kind: fc.constantFrom('both', 'a1', 'b1') }), { maxLength: 2 })
  .chain((dims) =>
    fc.record({
      a: fc.constant(dims.map((d) => (d.kind === 'a1' ? 1 : d.size))),
      b: fc.constant(dims.map((d) => (d.kind === 'b1' ? 1 : d.size))),
      // a leading dim of size 1 may also be absent, as numpy allows
      dropA: fc.boolean(),
    }),
  );

const product = fc.record({
  m: fc.integer({ min: 1, max: 70 }),
  n: fc.integer({ min: 1, max: 70 }),
  k: fc.integer({ min: 1, max: 70 }),
  batch: batchDims,
  transposeA: fc.boolean(),
  transposeB: fc.boolean(),
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
});

type Product = typeof product extends fc.Arbitrary<infer T> ? T : never;

function shapes(p: Product): { a: number[]; b: number[] } {
  const aBatch = p.batch.dropA && p.batch.a[0] === 1 ? p.batch.a.slice(1) : p.batch.a;
  return {
    a: [...aBatch, ...(p.transposeA ? [p.k, p.m] : [p.m, p.k])],
    b: [...p.batch.b, ...(p.transposeB ? [p.n, p.k] : [p.k, p.n])],
  };
}

test('our kernel equals a naive float64 product within 1e-5 relative, for any shape, broadcast and transpose flags', async () => {
  await installKernels({ route: 'always', env: kernelEnv() });
  try {
    fc.assert(
      fc.property(product, (p) => {
        const { a: aShape, b: bShape } = shapes(p);
        const rng = Rng.fromSeed(p.seed);
        const before = tf.memory().numTensors;
        const a = randomTensor(rng, aShape);
        const b = randomTensor(rng, bShape);
        const out = tf.matMul(a, b, p.transposeA, p.transposeB);
        const ref = referenceMatMul(a.dataSync() as Float32Array, aShape, b.dataSync() as Float32Array, bShape, p.transposeA, p.transposeB);
        assert.deepEqual(out.shape, ref.shape);
        const at = firstMismatch(out.dataSync(), ref.values, ref.scale);
        assert.equal(at, -1, `element ${at}: ${out.dataSync()[at]} vs ${ref.values[at]}`);
        tf.dispose([a, b, out]);
        assert.equal(tf.memory().numTensors, before);
      }),
      { numRuns: 150 },
    );
  } finally {
    uninstallKernels();
  }
});

test('our kernel equals the stock kernel wherever the stock kernel broadcasts correctly', async () => {
  // Stock tfjs (wasm and cpu) index a flattened batch modulo its size, which is numpy's rule
  // only when one side's batch is a single matrix or both batch shapes are equal.
  const stockAgrees = (aShape: number[], bShape: number[]): boolean => {
    const size = (s: number[]): number => s.slice(0, -2).reduce((x, d) => x * d, 1);
    return size(aShape) === 1 || size(bShape) === 1 || aShape.slice(0, -2).join() === bShape.slice(0, -2).join();
  };
  await fc.assert(
    fc.asyncProperty(product, async (p) => {
      const { a: aShape, b: bShape } = shapes(p);
      fc.pre(stockAgrees(aShape, bShape));
      const rng = Rng.fromSeed(p.seed);
      const a = randomTensor(rng, aShape);
      const b = randomTensor(rng, bShape);
      const stock = tf.matMul(a, b, p.transposeA, p.transposeB);
      await installKernels({ route: 'always', env: kernelEnv() });
      const ours = tf.matMul(a, b, p.transposeA, p.transposeB);
      uninstallKernels();
      const ref = referenceMatMul(a.dataSync() as Float32Array, aShape, b.dataSync() as Float32Array, bShape, p.transposeA, p.transposeB);
      assert.deepEqual(ours.shape, stock.shape);
      // Both round differently from the float64 reference; each stays within the bound of it.
      assert.equal(firstMismatch(stock.dataSync(), ref.values, ref.scale, 2e-5), -1, 'stock drifted from the reference');
      const at = firstMismatch(ours.dataSync(), stock.dataSync(), ref.scale, 2e-5);
      assert.equal(at, -1, `element ${at}: ours ${ours.dataSync()[at]} vs stock ${stock.dataSync()[at]}`);
      tf.dispose([a, b, stock, ours]);
    }),
    { numRuns: 60 },
  );
});

test('products larger than one cache block (K > 256, N > 512, M > 64) are exact too', async () => {
  await installKernels({ route: 'always', env: kernelEnv() });
  try {
    const rng = Rng.fromSeed(7);
    for (const [tA, tB] of [[false, false], [true, false], [false, true], [true, true]] as const) {
      const aShape = tA ? [300, 131] : [131, 300];
      const bShape = tB ? [517, 300] : [300, 517];
      const a = randomTensor(rng, aShape);
      const b = randomTensor(rng, bShape);
      const out = tf.matMul(a, b, tA, tB);
      const ref = referenceMatMul(a.dataSync() as Float32Array, aShape, b.dataSync() as Float32Array, bShape, tA, tB);
      assert.equal(firstMismatch(out.dataSync(), ref.values, ref.scale), -1, `transposeA=${tA} transposeB=${tB}`);
      tf.dispose([a, b, out]);
    }
  } finally {
    uninstallKernels();
  }
});
