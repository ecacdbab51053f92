import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs-core';
import { openTarget, type BackendName } from '../../runtime/tfjs/target.ts';
import { argsort, maskFromRestore } from '../../runtime/tfjs/ops/masking.ts';
import { gatherTokens } from '../../runtime/tfjs/ops/tokens.ts';
import { policyFor } from '../../runtime/tfjs/lowering-policy.ts';
import { lower } from '../../runtime/tfjs/program.ts';
import { buildGraph } from '../../compiler/build/mae.ts';
import { numVisible } from '../../dsl/index.ts';
import { Rng } from '../../runtime/rng.ts';
import { specOf } from './reference/cases.ts';
import { gpuKernelsOnly, webgpuSkip } from './webgpu-env.ts';

/**
 * Random masking (MAE-SPEC step 2) as the lowered ops compute it, for random batch sizes N,
 * patch counts L and mask ratios r, with K = floor(L (1 - r)). Noise rows hold distinct float32
 * values in [0, 1) (ties have no defined order in the official code either). Every read is
 * awaited, so the same properties run on webgpu (skipped with the reason when there is no
 * adapter; see tests/runtime/webgpu-env.ts).
 */
const BACKENDS: readonly BackendName[] = ['cpu', 'wasm', 'webgpu'];
const webgpuSkipped = await webgpuSkip();
const skipOn = (backend: BackendName) => ({ skip: backend === 'webgpu' ? webgpuSkipped : false });
// On webgpu every op runs a shader: these small tensors would otherwise run tfjs-cpu's kernels.
const open = async (backend: BackendName) => {
  if (backend === 'webgpu') gpuKernelsOnly(true);
  return openTarget(backend);
};
const RUNS = 40;

/** K as the official code computes it, `int(L * (1 - mask_ratio))`, checked against dsl's numVisible. */
function keptCount(l: number, ratio: number): number {
  const k = Math.floor(l * (1 - ratio));
  assert.equal(numVisible(l, ratio), k, `numVisible(${l}, ${ratio})`);
  return k;
}

/** A noise row of L distinct float32 values in [0, 1). */
const noiseRow = (l: number) =>
  fc.uniqueArray(fc.float({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { minLength: l, maxLength: l, comparator: 'SameValueZero' });

/** Noise [N, L] as rows, and a mask ratio in (0, 1). */
const maskingCase = fc
  .record({ n: fc.integer({ min: 1, max: 4 }), l: fc.integer({ min: 1, max: 40 }) })
  .chain(({ n, l }) => fc.record({ l: fc.constant(l), rows: fc.array(noiseRow(l), { minLength: n, maxLength: n }), ratio: fc.double({ min: 0.01, max: 0.99, noNaN: true }) }));

/** The rows of [N, L] tensors as arrays, read with an awaited read; the tensors are disposed. */
async function rows<K extends string>(ts: Record<K, tf.Tensor>): Promise<Record<K, number[][]>> {
  try {
    const entries = await Promise.all(Object.entries<tf.Tensor>(ts).map(async ([k, t]) => [k, (await t.array()) as number[][]] as const));
    return Object.fromEntries(entries) as Record<K, number[][]>;
  } finally {
    tf.dispose(Object.values<tf.Tensor>(ts));
  }
}

/** ids_shuffle, ids_restore and mask of noise rows, through the masking ops. */
function masking(noiseRows: number[][], keep: number): Promise<{ shuffle: number[][]; restore: number[][]; mask: number[][] }> {
  return rows(
    tf.tidy(() => {
      const shuffle = argsort(tf.tensor2d(noiseRows));
      const restore = argsort(shuffle);
      return { shuffle, restore, mask: maskFromRestore(restore, keep) };
    }),
  );
}

for (const backend of BACKENDS) {
  test(`on ${backend}, ids_shuffle lists each row's patches by ascending noise`, skipOn(backend), async () => {
    await open(backend);
    await fc.assert(
      fc.asyncProperty(maskingCase, async ({ l, rows: noise }) => {
        const { shuffle } = await masking(noise, 0);
        shuffle.forEach((ids, n) => {
          assert.deepEqual([...ids].sort((a, b) => a - b), Array.from({ length: l }, (_, i) => i), 'a permutation of 0..L-1');
          for (let k = 1; k < l; k++) assert.ok(noise[n]![ids[k - 1]!]! < noise[n]![ids[k]!]!, `row ${n}: ascending at ${k}`);
        });
      }),
      { numRuns: RUNS },
    );
  });

  test(`on ${backend}, ids_restore is the inverse permutation of ids_shuffle`, skipOn(backend), async () => {
    await open(backend);
    await fc.assert(
      fc.asyncProperty(maskingCase, async ({ l, rows: noise }) => {
        const { shuffle, restore } = await masking(noise, 0);
        shuffle.forEach((ids, n) => {
          for (let k = 0; k < l; k++) assert.equal(restore[n]![ids[k]!], k);
          for (let i = 0; i < l; i++) assert.equal(ids[restore[n]![i]!], i);
        });
      }),
      { numRuns: RUNS },
    );
  });

  test(`on ${backend}, each mask row removes exactly L - K patches and keeps the K with the smallest noise`, skipOn(backend), async () => {
    await open(backend);
    await fc.assert(
      fc.asyncProperty(maskingCase, async ({ l, rows: noise, ratio }) => {
        const keep = keptCount(l, ratio);
        const { mask } = await masking(noise, keep);
        mask.forEach((m, n) => {
          assert.ok(
            m.every((v) => v === 0 || v === 1),
            'mask values are 0 or 1',
          );
          assert.equal(m.reduce<number>((a, b) => a + b, 0), l - keep, `row ${n} sums to L - K`);
          const kept = noise[n]!.filter((_, i) => m[i] === 0);
          const removed = noise[n]!.filter((_, i) => m[i] === 1);
          assert.ok(Math.max(...kept) < Math.min(...removed), `row ${n}: every kept patch has smaller noise than every removed one`);
        });
      }),
      { numRuns: RUNS },
    );
  });

  test(`on ${backend}, gathering tokens with ids_shuffle and then ids_restore gives back the original tokens`, skipOn(backend), async () => {
    const { policy } = await open(backend);
    await fc.assert(
      fc.asyncProperty(maskingCase, fc.integer({ min: 1, max: 5 }), fc.integer(), async ({ l, rows: noise }, d, seed) => {
        const rng = Rng.fromSeed(seed);
        const x = Float32Array.from({ length: noise.length * l * d }, () => rng.normal());
        const [shuffledT, restoredT] = tf.tidy(() => {
          const tokens = tf.tensor3d(x, [noise.length, l, d]); // [N, L, D]
          const shuffle = argsort(tf.tensor2d(noise));
          const shuffled = gatherTokens(policy, tokens, shuffle); // [N, L, D]
          return [shuffled, gatherTokens(policy, shuffled, argsort(shuffle))];
        });
        const shuffledRow0 = (await shuffledT.array()) as number[][][];
        const restored = await restoredT.data();
        tf.dispose([shuffledT, restoredT]);
        assert.deepEqual(Array.from(restored), Array.from(x), 'unshuffle(shuffle(x)) = x');
        // The first shuffled token of row 0 is the one with the smallest noise.
        const smallest = noise[0]!.indexOf(Math.min(...noise[0]!));
        assert.deepEqual(shuffledRow0[0]![0], Array.from(x.subarray(smallest * d, (smallest + 1) * d)));
      }),
      { numRuns: RUNS },
    );
  });

  test(`on ${backend}, the pretrain program's mask and ids_restore keep the K = floor(L (1 - r)) lowest-noise patches`, skipOn(backend), async () => {
    const target = await open(backend);
    const grid = fc.record({ g: fc.integer({ min: 2, max: 6 }), patch: fc.integer({ min: 1, max: 3 }), n: fc.integer({ min: 1, max: 3 }) });
    // The builder rejects K = 0 (an encoder with no patch to see), so cases keep at least one.
    const programCase = grid
      .chain(({ g, patch, n }) =>
        fc.record({ g: fc.constant(g), patch: fc.constant(patch), rows: fc.array(noiseRow(g * g), { minLength: n, maxLength: n }), ratio: fc.double({ min: 0.05, max: 0.95, noNaN: true }) }),
      )
      .filter(({ g, ratio }) => Math.floor(g * g * (1 - ratio)) >= 1);
    await fc.assert(
      fc.asyncProperty(programCase, async ({ g, patch, rows: noise, ratio }) => {
        const c = { name: '', size: g * patch, channels: 1, patch, width: 4, depth: 1, heads: 1, mlpRatio: 1, decoderWidth: 4, decoderDepth: 1, decoderHeads: 1, ratio, normPixLoss: false, eps: 1e-6, n: noise.length };
        const graph = buildGraph(specOf(c), 'pretrain');
        const L = g * g;
        const keep = keptCount(L, ratio);
        assert.equal(graph.meta.numVisible, keep);
        const { mask, restore } = await rows(
          tf.tidy(() => {
            const inputs = { imgs: tf.zeros([c.n, 1, c.size, c.size]), noise: tf.tensor2d(noise) };
            // mask and ids_restore depend on the noise only, so no parameters are needed.
            const out = lower(graph, target).run(new Map(), inputs, ['mask', 'ids_restore']);
            return { mask: out['mask']!, restore: out['ids_restore']! };
          }),
        );
        noise.forEach((row, n) => {
          const rank = row.map((v) => row.filter((u) => u < v).length); // position of each patch in ascending noise order
          assert.deepEqual(restore[n], rank, `row ${n}: ids_restore[l] is the rank of noise[l]`);
          assert.deepEqual(mask[n], rank.map((r) => (r < keep ? 0 : 1)), `row ${n}: mask is 1 exactly where the rank is >= K`);
        });
      }),
      { numRuns: 25 },
    );
  });
}
