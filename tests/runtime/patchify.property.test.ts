import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs-core';
import { openTarget, type BackendName } from '../../runtime/tfjs/target.ts';
import { patchify } from '../../runtime/tfjs/ops/patchify.ts';
import { Rng } from '../../runtime/rng.ts';
import { unpatchify, type Mat } from './reference/index.ts';

/**
 * patchify (runtime/tfjs/ops/patchify.ts) against the index formulas of MAE-SPEC step 5 and
 * of the conv weight's reading order, for random channel counts C, patches p, grids g and
 * batch sizes N: patch l = i*g + j holds pixel (c, i*p + r, j*p + s) at
 *   'hwc': (r*p + s)*C + c        'chw': (c*p + r)*p + s.
 */
const BACKENDS: readonly BackendName[] = ['cpu', 'wasm'];
const ORDERS = ['hwc', 'chw'] as const;
const RUNS = 40;

const layout = fc.record({
  n: fc.integer({ min: 1, max: 3 }),
  c: fc.integer({ min: 1, max: 4 }),
  p: fc.integer({ min: 1, max: 5 }),
  g: fc.integer({ min: 1, max: 5 }),
  seed: fc.integer(),
});
type Layout = typeof layout extends fc.Arbitrary<infer T> ? T : never;

/** Random images [N, C, g*p, g*p] with distinct values, so a misplaced pixel cannot go unseen. */
function images({ n, c, p, g, seed }: Layout): Float32Array {
  const size = g * p;
  const order = Rng.fromSeed(seed).permutation(n * c * size * size);
  return Float32Array.from(order, (v) => v + 0.5);
}

/** patchify through tfjs: [N, L, p*p*C] as flat values. */
function patchifyOnBackend(imgs: Float32Array, { n, c, p, g }: Layout, order: (typeof ORDERS)[number]): Float32Array {
  return tf.tidy(() => patchify(tf.tensor4d(imgs, [n, c, g * p, g * p]), p, order).dataSync() as Float32Array);
}

for (const backend of BACKENDS) {
  for (const order of ORDERS) {
    test(`on ${backend}, '${order}' patchify puts pixel (c, i*p + r, j*p + s) of image n at patch i*g + j, element ${order === 'hwc' ? '(r*p + s)*C + c' : '(c*p + r)*p + s'}`, async () => {
      await openTarget(backend);
      fc.assert(
        fc.property(layout, (lay) => {
          const { n, c, p, g } = lay;
          const imgs = images(lay);
          const got = patchifyOnBackend(imgs, lay, order);
          const size = g * p;
          const P = p * p * c;
          assert.equal(got.length, n * g * g * P, 'shape [N, g*g, p*p*C]');
          for (let b = 0; b < n; b++)
            for (let i = 0; i < g; i++)
              for (let j = 0; j < g; j++)
                for (let ch = 0; ch < c; ch++)
                  for (let r = 0; r < p; r++)
                    for (let s = 0; s < p; s++) {
                      const element = order === 'hwc' ? (r * p + s) * c + ch : (ch * p + r) * p + s;
                      const pixel = imgs[((b * c + ch) * size + i * p + r) * size + j * p + s]!;
                      assert.equal(got[(b * g * g + i * g + j) * P + element], pixel, `image ${b}, patch (${i}, ${j}), pixel (${ch}, ${r}, ${s})`);
                    }
        }),
        { numRuns: RUNS },
      );
    });

    test(`on ${backend}, unpatchify inverts '${order}' patchify, and patchify inverts unpatchify`, async () => {
      await openTarget(backend);
      fc.assert(
        fc.property(layout, (lay) => {
          const { n, c, p, g } = lay;
          const imgs = images(lay);
          const perImage = c * g * p * g * p;
          const P = p * p * c;
          const patches = patchifyOnBackend(imgs, lay, order);
          const rebuilt = new Float32Array(imgs.length);
          for (let b = 0; b < n; b++) {
            const mat: Mat = { rows: g * g, cols: P, data: Float64Array.from(patches.subarray(b * g * g * P, (b + 1) * g * g * P)) };
            rebuilt.set(unpatchify(mat, c, p, order), b * perImage);
          }
          assert.deepEqual(rebuilt, imgs, 'unpatchify(patchify(x)) = x');
          assert.deepEqual(patchifyOnBackend(rebuilt, lay, order), patches, 'patchify(unpatchify(y)) = y');
        }),
        { numRuns: RUNS },
      );
    });
  }

  test(`on ${backend}, 'hwc' and 'chw' hold the same pixels of each patch, in orders that differ once C > 1 and p > 1`, async () => {
    await openTarget(backend);
    fc.assert(
      fc.property(layout, (lay) => {
        const imgs = images(lay);
        const hwc = patchifyOnBackend(imgs, lay, 'hwc');
        const chw = patchifyOnBackend(imgs, lay, 'chw');
        const P = lay.p * lay.p * lay.c;
        for (let row = 0; row < hwc.length / P; row++) {
          const a = hwc.subarray(row * P, (row + 1) * P);
          const b = chw.subarray(row * P, (row + 1) * P);
          assert.deepEqual([...a].sort((x, y) => x - y), [...b].sort((x, y) => x - y), `patch row ${row}: same pixels`);
        }
        if (lay.c > 1 && lay.p > 1) assert.notDeepEqual(hwc, chw);
        else assert.deepEqual(hwc, chw);
      }),
      { numRuns: RUNS },
    );
  });
}
