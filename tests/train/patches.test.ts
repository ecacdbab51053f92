import { test } from 'node:test';
import assert from 'node:assert/strict';
import { denormalizePatches, patchifyImage, unpatchifyImage } from '../../runtime/train/patches.ts';

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

test('denormalizing the normalised target gives the target back (unbiased variance, eps 1e-6)', () => {
  const target = patchifyImage(image, 3, 8, 4);
  const dim = 48;
  const normalised = new Float32Array(target.length);
  for (let at = 0; at < target.length; at += dim) {
    const xs = Array.from(target.subarray(at, at + dim));
    const mean = xs.reduce((a, b) => a + b, 0) / dim;
    const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (dim - 1);
    xs.forEach((v, k) => (normalised[at + k] = (v - mean) / Math.sqrt(variance + 1e-6)));
  }
  const back = denormalizePatches(normalised, target, dim);
  back.forEach((v, i) => assert.ok(Math.abs(v - target[i]!) < 1e-4, `element ${i}: ${v} vs ${target[i]}`));
});
