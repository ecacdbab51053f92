import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Rng } from '../../runtime/rng.ts';
import { applyJitter, augmentImage, sampleFixedCrop, sampleJitter, sampleResizedCrop, MAE_CROP, type Jitter } from '../../runtime/data/index.ts';
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
    fc.property(dims, fc.constantFrom('none', 'pretrain', 'pretrain-fixed-crop', 'crop', 'flip' as const), ({ h, w, c, out, seed }, aug) => {
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

test("'none' is the plain resize of the whole image: no flip, no jitter, no draws", () => {
  fc.assert(
    fc.property(dims, ({ h, w, c, out, seed }) => {
      const src = image(c, h, w, seed);
      const dst = new Float32Array(c * out * out);
      const expected = new Float32Array(c * out * out);
      resampleBox(src, c, h, w, { top: 0, left: 0, height: h, width: w }, out, out, false, expected, 0);
      const rng = Rng.fromSeed(seed);
      const used = augmentImage(src, c, h, w, 'none', true, rng, { dst, offset: 0, size: out });
      assert.deepEqual(used, { box: { top: 0, left: 0, height: h, width: w }, flip: false, jitter: null });
      assert.deepEqual(dst, expected);
      assert.deepEqual(rng.state(), Rng.fromSeed(seed).state());
    }),
    { numRuns: 50 },
  );
  // At the native size the resize is the identity.
  const src = image(3, 9, 9, 4);
  const dst = new Float32Array(3 * 9 * 9);
  augmentImage(src, 3, 9, 9, 'none', true, Rng.fromSeed(0), { dst, offset: 0, size: 9 });
  assert.deepEqual(dst, src);
});

test('a fixed crop is 7/8 of the shorter side, rounded half to even as Python does: 256 -> 224, 28 -> 24', () => {
  const side = (h: number, w: number) => sampleFixedCrop(Rng.fromSeed(0), h, w).height;
  assert.equal(side(256, 256), 224);
  assert.equal(side(224, 224), 196);
  assert.equal(side(32, 32), 28);
  assert.equal(side(28, 28), 24); // 24.5 rounds to the even 24
  assert.equal(side(28, 100), 24);
  assert.equal(side(1, 1), 1);
});

test('property: a fixed crop box is square, of the fixed side, inside the image, and pretrain-fixed-crop uses it', () => {
  fc.assert(
    fc.property(dims, ({ h, w, c, out, seed }) => {
      // 7/8 of an integer is a half only at odd multiples of 4, which round down to the even side.
      const exact = Math.min(h, w) * 0.875;
      const expected = Math.max(1, exact % 1 === 0.5 && Math.floor(exact) % 2 === 0 ? Math.floor(exact) : Math.round(exact));
      const { box } = augmentImage(image(c, h, w, seed), c, h, w, 'pretrain-fixed-crop', true, Rng.fromSeed(seed), { dst: new Float32Array(c * out * out), offset: 0, size: out });
      return box.height === expected && box.width === expected && box.top >= 0 && box.left >= 0 && box.top + box.height <= h && box.left + box.width <= w;
    }),
  );
});

test('fixed crops land at every position over many draws, and flip about half the time', () => {
  const tops = new Set<number>();
  const lefts = new Set<number>();
  let flips = 0;
  for (let seed = 0; seed < 400; seed++) {
    const used = augmentImage(new Float32Array(28 * 28), 1, 28, 28, 'pretrain-fixed-crop', true, Rng.fromSeed(seed), { dst: new Float32Array(28 * 28), offset: 0, size: 28 });
    tops.add(used.box.top);
    lefts.add(used.box.left);
    if (used.flip) flips++;
  }
  assert.deepEqual([...tops].sort(), [0, 1, 2, 3, 4]);
  assert.deepEqual([...lefts].sort(), [0, 1, 2, 3, 4]);
  assert.ok(flips > 160 && flips < 240, `${flips} flips in 400`);
});

test('jitter factors lie in [0.6, 1.4] and come in a random order of the three operations', () => {
  const orders = new Set<string>();
  for (let seed = 0; seed < 200; seed++) {
    const j = sampleJitter(Rng.fromSeed(seed));
    for (const f of [j.brightness, j.contrast, j.saturation]) assert.ok(f >= 0.6 && f <= 1.4, `${f}`);
    assert.deepEqual([...j.order].sort(), ['brightness', 'contrast', 'saturation']);
    orders.add(j.order.join());
  }
  assert.equal(orders.size, 6);
});

const only = (order: Jitter['order'], factors: Partial<Jitter>): Jitter => ({ order, brightness: 1, contrast: 1, saturation: 1, ...factors });

test('brightness scales values and clamps at 1', () => {
  const img = Float32Array.from([0, 0.25, 0.5, 0.8]);
  applyJitter(img, 0, 1, 4, only(['brightness'], { brightness: 1.4 }));
  assert.deepEqual([...img], [0, 0.35, 0.7, 1].map(Math.fround));
});

test('contrast blends with the mean: factor 0 gives a flat image at the mean, 1 changes nothing', () => {
  const img = Float32Array.from([0, 0.2, 0.4, 0.6]);
  applyJitter(img, 0, 1, 4, only(['contrast'], { contrast: 1 }));
  assert.deepEqual([...img], [0, 0.2, 0.4, 0.6].map(Math.fround));
  applyJitter(img, 0, 1, 4, only(['contrast'], { contrast: 0 }));
  for (const v of img) assert.ok(Math.abs(v - 0.3) < 1e-6);
});

test('saturation leaves grey images alone and turns colour into its luma at factor 0', () => {
  const grey = Float32Array.from([0.1, 0.9]);
  applyJitter(grey, 0, 1, 2, only(['saturation'], { saturation: 0 }));
  assert.deepEqual([...grey], [0.1, 0.9].map(Math.fround));
  const rgb = Float32Array.from([1, 0, 0, 1, 0, 0]); // [3, 2]: a red and a green pixel
  applyJitter(rgb, 0, 3, 2, only(['saturation'], { saturation: 0 }));
  for (let c = 0; c < 3; c++) {
    assert.ok(Math.abs(rgb[c * 2]! - 0.299) < 1e-6);
    assert.ok(Math.abs(rgb[c * 2 + 1]! - 0.587) < 1e-6);
  }
});

test('property: pretrain+jitter stays in [0, 1], is fixed by the seed, and crops and flips as pretrain does', () => {
  fc.assert(
    fc.property(dims, ({ h, w, c, out, seed }) => {
      const src = Rng.fromSeed(seed).uniformArray(c * h * w);
      const run = (augment: 'pretrain' | 'pretrain+jitter') => {
        const dst = new Float32Array(c * out * out + 2).fill(99);
        const used = augmentImage(src, c, h, w, augment, true, Rng.fromSeed(seed + 1), { dst, offset: 1, size: out });
        return { dst, used };
      };
      const a = run('pretrain+jitter');
      const b = run('pretrain+jitter');
      const plain = run('pretrain');
      const body = a.dst.subarray(1, 1 + c * out * out);
      return (
        body.every((v) => v >= 0 && v <= 1) &&
        a.dst[0] === 99 &&
        a.dst[1 + c * out * out] === 99 &&
        a.dst.every((v, i) => v === b.dst[i]) &&
        a.used.jitter !== null &&
        JSON.stringify([a.used.box, a.used.flip]) === JSON.stringify([plain.used.box, plain.used.flip])
      );
    }),
  );
});

test('jitter changes a mid-grey image, and different seeds jitter differently', () => {
  const src = new Float32Array(64).fill(0.5);
  const out = (seed: number) => {
    const dst = new Float32Array(64);
    augmentImage(src, 1, 8, 8, 'pretrain+jitter', true, Rng.fromSeed(seed), { dst, offset: 0, size: 8 });
    return dst[0]!;
  };
  const values = new Set(Array.from({ length: 20 }, (_, seed) => out(seed)));
  assert.ok(values.size > 10, `${values.size} distinct brightnesses in 20 seeds`);
  assert.ok(![...values].every((v) => v === 0.5));
});
