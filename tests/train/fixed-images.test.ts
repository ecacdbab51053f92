// The per-epoch reconstruction figures mask with the spec's strategy, from their own seed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openDataset } from '../../runtime/data/index.ts';
import { sampleNoise } from '../../runtime/masking/noise.ts';
import { Rng } from '../../runtime/rng.ts';
import { fixedImages } from '../../runtime/train/fixed-images.ts';

// 16x16 images in 4x4 patches: a 4x4 grid, L = 16, K = 4 at mask 0.75.
const META = { channels: 1, imageSize: 16, grid: 4, numVisible: 4 };
const L = 16;
const DATA = 'synthetic:train=64,test=16,size=16,channels=1';

function rows(noise: Float32Array): Float32Array[] {
  return Array.from({ length: noise.length / L }, (_, n) => noise.subarray(n * L, (n + 1) * L));
}

/** Indices of the K smallest values of a row: the patches the encoder sees. */
function kept(row: Float32Array): number[] {
  return Array.from(row, (v, i) => [v, i] as const)
    .sort((a, b) => a[0] - b[0])
    .slice(0, META.numVisible)
    .map(([, i]) => i)
    .sort((a, b) => a - b);
}

test('grid strategy: every figure keeps the top-left patch of each 2x2 block', async () => {
  const shown = await fixedImages(await openDataset(DATA), META, 'grid', 3);
  assert.equal(shown.noise.length, 8 * L);
  for (const row of rows(shown.noise)) assert.deepEqual(kept(row), [0, 2, 8, 10]);
});

test('block strategy: every figure removes exactly L - K patches (noise >= 1), not uniform noise', async () => {
  const shown = await fixedImages(await openDataset(DATA), META, 'block', 3);
  for (const row of rows(shown.noise)) assert.equal(row.filter((v) => v >= 1).length, L - META.numVisible);
  assert.deepEqual(shown.noise, sampleNoise('block', 8, META.grid, META.numVisible, Rng.fromSeed(3 + 0x51ed)));
});

test('random strategy keeps the uniform noise earlier runs drew, so their figures do not change', async () => {
  const shown = await fixedImages(await openDataset(DATA), META, 'random', 5);
  assert.deepEqual(shown.noise, Rng.fromSeed(5 + 0x51ed).uniformArray(8 * L));
});

test('the figures are the same for the same seed and strategy', async () => {
  const dataset = await openDataset(DATA);
  const a = await fixedImages(dataset, META, 'block', 9);
  const b = await fixedImages(dataset, META, 'block', 9);
  assert.deepEqual(a.images, b.images);
  assert.deepEqual(a.noise, b.noise);
});
