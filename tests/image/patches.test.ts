import { test } from 'node:test';
import assert from 'node:assert/strict';
import { denormalizeWithVisibleStats, patchifyImage, unpatchifyImage } from '../../runtime/image/index.ts';

const image = Float32Array.from({ length: 3 * 8 * 8 }, (_, i) => Math.sin(i * 0.37) * 2 + (i % 5));

test('patchify puts pixel (c, y, x) at patch l = (y/p)*(S/p) + x/p, element ((y%p)*p + x%p)*C + c', () => {
  const patches = patchifyImage(image, 3, 8, 4);
  const [c, y, x] = [2, 5, 6];
  const l = Math.floor(y / 4) * 2 + Math.floor(x / 4);
  assert.equal(patches[l * 48 + ((y % 4) * 4 + (x % 4)) * 3 + c], image[c * 64 + y * 8 + x]);
});

test('unpatchify inverts patchify', () => {
  assert.deepEqual(unpatchifyImage(patchifyImage(image, 3, 8, 4), 3, 8, 4), image);
});

function normalise(target: Float32Array, dim: number): Float32Array {
  const normalised = new Float32Array(target.length);
  for (let at = 0; at < target.length; at += dim) {
    const xs = Array.from(target.subarray(at, at + dim));
    const mean = xs.reduce((a, b) => a + b, 0) / dim;
    const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (dim - 1);
    xs.forEach((v, k) => (normalised[at + k] = (v - mean) / Math.sqrt(variance + 1e-6)));
  }
  return normalised;
}

test('with every patch visible, denormalizing the normalised target gives the target back (unbiased variance, eps 1e-6)', () => {
  const target = patchifyImage(image, 3, 8, 4);
  const back = denormalizeWithVisibleStats(normalise(target, 48), target, [0, 0, 0, 0], 48);
  back.forEach((v, i) => assert.ok(Math.abs(v - target[i]!) < 1e-4, `element ${i}: ${v} vs ${target[i]}`));
});

test('a masked patch is drawn with the visible patches\' average statistics and never reads its own', () => {
  const target = patchifyImage(image, 3, 8, 4);
  const pred = normalise(target, 48);
  const mask = [0, 1, 0, 0];
  const a = denormalizeWithVisibleStats(pred, target, mask, 48);
  // Changing the masked patch's true pixels changes nothing that is drawn.
  const altered = target.slice();
  for (let k = 48; k < 96; k++) altered[k] = altered[k]! * 7 + 3;
  assert.deepEqual(denormalizeWithVisibleStats(pred, altered, mask, 48), a);
  // The masked patch's drawn mean is the mean of the visible patches' means (its pred has mean 0).
  const meanOf = (xs: ArrayLike<number>, from: number) => Array.from({ length: 48 }, (_, k) => xs[from + k]!).reduce((s, v) => s + v, 0) / 48;
  const visibleMean = (meanOf(target, 0) + meanOf(target, 96) + meanOf(target, 144)) / 3;
  assert.ok(Math.abs(meanOf(a, 48) - visibleMean) < 1e-4, `${meanOf(a, 48)} vs ${visibleMean}`);
  // Visible patches come back exactly.
  for (const l of [0, 2, 3]) for (let k = 0; k < 48; k++) assert.ok(Math.abs(a[l * 48 + k]! - target[l * 48 + k]!) < 1e-4);
});
