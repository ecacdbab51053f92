import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Rng } from '../../runtime/rng.ts';
import { augmentImage, sampleResizedCrop, MAE_CROP } from '../../runtime/data/index.ts';
import { flipHorizontal, resampleBox } from '../../runtime/image/index.ts';

const dims = fc.record({
  h: fc.integer({ min: 1, max: 40 }),
  w: fc.integer({ min: 1, max: 40 }),
  c: fc.constantFrom(1, 3),
  out: fc.integer({ min: 1, max: 40 }),
  seed: fc.integer(),
});

function image(c: number, h: number, w: number, seed: number): Float32Array {
  return Rng.fromSeed(seed).uniformArray(c * h * w).map((v) => v * 4 - 1);
}

test('property: a RandomResizedCrop box always lies inside the image and is non-empty', () => {
  fc.assert(
    fc.property(dims, ({ h, w, seed }) => {
      const box = sampleResizedCrop(Rng.fromSeed(seed), h, w);
      return box.height >= 1 && box.width >= 1 && box.top >= 0 && box.left >= 0 && box.top + box.height <= h && box.left + box.width <= w;
    }),
  );
});

test('property: a crop from the 10 attempts covers 20%..100% of the area within the ratio range', () => {
  // On a large image every attempt fits unless its sides exceed the image, so boxes obey the ranges
  // up to rounding; the fallback (a ratio-limited central crop) also lies in range.
  fc.assert(
    fc.property(fc.integer(), (seed) => {
      const box = sampleResizedCrop(Rng.fromSeed(seed), 400, 400);
      const area = (box.height * box.width) / (400 * 400);
      const ratio = box.width / box.height;
      return area >= MAE_CROP.scale[0] - 0.01 && area <= 1 && ratio >= 0.74 && ratio <= 1.35;
    }),
  );
});

test('a crop that never fits falls back to the central crop with the ratio clamped', () => {
  // A 1x100 strip: every sampled box (area >= 20, ratio <= 4/3) is at least 4 pixels tall.
  const box = sampleResizedCrop(Rng.fromSeed(1), 1, 100);
  assert.deepEqual(box, { top: 0, left: 49, height: 1, width: 1 });
});

test('property: augmentation output always has the requested size and stays within the input range', () => {
  fc.assert(
    fc.property(dims, fc.constantFrom('none', 'pretrain', 'crop', 'flip' as const), ({ h, w, c, out, seed }, aug) => {
      const src = image(c, h, w, seed);
      const dst = new Float32Array(c * out * out + 5).fill(99);
      augmentImage(src, c, h, w, aug, true, Rng.fromSeed(seed + 1), { dst, offset: 2, size: out });
      const lo = Math.min(...src);
      const hi = Math.max(...src);
      const body = dst.subarray(2, 2 + c * out * out);
      return dst[0] === 99 && dst[1] === 99 && dst[2 + c * out * out] === 99 && body.every((v) => v >= lo - 1e-5 && v <= hi + 1e-5);
    }),
  );
});

test('property: flipping is an involution', () => {
  fc.assert(
    fc.property(dims, ({ h, w, c, seed }) => {
      const src = image(c, h, w, seed);
      return flipHorizontal(flipHorizontal(src, c, h, w), c, h, w).every((v, i) => v === src[i]);
    }),
  );
});

test('property: a flipped resample equals the mirror of the unflipped one', () => {
  fc.assert(
    fc.property(dims, ({ h, w, c, out, seed }) => {
      const src = image(c, h, w, seed);
      const box = sampleResizedCrop(Rng.fromSeed(seed), h, w);
      const plain = new Float32Array(c * out * out);
      const flipped = new Float32Array(c * out * out);
      resampleBox(src, c, h, w, box, out, out, false, plain, 0);
      resampleBox(src, c, h, w, box, out, out, true, flipped, 0);
      return flipHorizontal(plain, c, out, out).every((v, i) => v === flipped[i]);
    }),
  );
});

test('mnist-style datasets are never flipped, even under pretrain', () => {
  // A left-right gradient: a flip would make the first column the brightest.
  const src = Float32Array.from({ length: 64 }, (_, k) => k % 8);
  for (let seed = 0; seed < 50; seed++) {
    const dst = new Float32Array(64);
    const { flip } = augmentImage(src, 1, 8, 8, 'pretrain', false, Rng.fromSeed(seed), { dst, offset: 0, size: 8 });
    assert.equal(flip, false);
    assert.ok(dst[0]! <= dst[7]!);
  }
});

test('pretrain flips about half the time when flips are allowed', () => {
  const src = new Float32Array(64);
  let flips = 0;
  for (let seed = 0; seed < 400; seed++) {
    if (augmentImage(src, 1, 8, 8, 'pretrain', true, Rng.fromSeed(seed), { dst: new Float32Array(64), offset: 0, size: 8 }).flip) flips++;
  }
  assert.ok(flips > 160 && flips < 240, `${flips} flips in 400`);
});

test("'none' at the native size is an exact copy", () => {
  const src = image(3, 5, 7, 1);
  const out = new Float32Array(3 * 5 * 7);
  resampleBox(src, 3, 5, 7, { top: 0, left: 0, height: 5, width: 7 }, 5, 7, false, out, 0);
  assert.deepEqual([...out], [...src]);
});

test('bilinear upscaling by 2 matches the half-pixel-centre (align_corners = false) values', () => {
  const out = new Float32Array(4);
  resampleBox(Float32Array.from([0, 1]), 1, 1, 2, { top: 0, left: 0, height: 1, width: 2 }, 1, 4, false, out, 0);
  assert.deepEqual([...out], [0, 0.25, 0.75, 1]);
});

test('shrinking by 2 averages neighbouring pixels (antialiased, not point-sampled)', () => {
  const out = new Float32Array(2);
  // Alternating 0/1 stripes: point sampling would give all 0 or all 1.
  resampleBox(Float32Array.from([0, 1, 0, 1]), 1, 1, 4, { top: 0, left: 0, height: 1, width: 4 }, 1, 2, false, out, 0);
  for (const v of out) assert.ok(v > 0.3 && v < 0.7, `${v}`);
});

test('a crop box outside the image is rejected with both sizes', () => {
  assert.throws(
    () => resampleBox(new Float32Array(16), 1, 4, 4, { top: 2, left: 0, height: 3, width: 4 }, 4, 4, false, new Float32Array(16), 0),
    /crop box \(top 2, left 0, 3x4\) must lie inside the 4x4 image/,
  );
});
