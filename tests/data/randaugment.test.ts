import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../runtime/rng.ts';
import {
  applyOp,
  autoContrast,
  brightness,
  color,
  contrast,
  drawMagnitude,
  equalize,
  invert,
  posterize,
  randAugment,
  RANDAUGMENT_OPS,
  randAugmentProblem,
  rotate,
  sharpness,
  shearX,
  solarize,
  solarizeAdd,
  translateX,
  translateY,
  type ImageView,
} from '../../runtime/data/randaugment.ts';

const view = (data: Float32Array, channels: number, h: number, w: number, offset = 0): ImageView => ({ data, offset, channels, h, w });
/** A 1-channel h x w ramp: pixel (y, x) = (y * w + x) / (h * w - 1). */
const ramp = (h: number, w: number) => Float32Array.from({ length: h * w }, (_, k) => k / (h * w - 1));
const level = (v: number) => Math.round(v * 255);

test('invert maps v to 1 - v and leaves the rest of the buffer alone', () => {
  const data = Float32Array.from([9, 0, 0.25, 1, 0.5, 9]);
  invert(view(data, 1, 2, 2, 1));
  assert.deepEqual([...data], [9, 1, 0.75, 0, 0.5, 9]);
});

test('solarize inverts levels at or above the threshold only', () => {
  const data = Float32Array.from([0, 127, 128, 255].map((l) => l / 255));
  solarize(view(data, 1, 2, 2), 128);
  assert.deepEqual([...data].map(level), [0, 127, 255 - 128, 0]);
  const none = Float32Array.from([0.2, 0.9]);
  solarize(view(none, 1, 1, 2), 256); // magnitude 0 of SolarizeIncreasing: threshold 256, nothing changes
  assert.deepEqual([...none], [Math.fround(0.2), Math.fround(0.9)]);
});

test('solarizeAdd adds below 128/255 and clips at 1', () => {
  const data = Float32Array.from([0, 100, 127, 128].map((l) => l / 255));
  solarizeAdd(view(data, 1, 2, 2), 99);
  assert.deepEqual([...data].map(level), [99, 199, 226, 128]);
  const high = Float32Array.from([120 / 255]);
  solarizeAdd(view(high, 1, 1, 1), 200);
  assert.equal(high[0], 1);
});

test('posterize keeps the top bits of each 8-bit level; PosterizeIncreasing at M 9 keeps 1 bit', () => {
  const levels = [0, 37, 100, 127, 128, 200, 255];
  const data = Float32Array.from(levels.map((l) => l / 255));
  posterize(view(data, 1, 1, levels.length), 2);
  assert.deepEqual([...data].map(level), levels.map((l) => l & 0b11000000));
  const inc = Float32Array.from(levels.map((l) => l / 255));
  applyOp(view(inc, 1, 1, levels.length), 'PosterizeIncreasing', 9, 1); // 4 - floor(3.6) = 1 bit
  assert.deepEqual([...inc].map(level), levels.map((l) => l & 0b10000000));
  const eight = Float32Array.from([0.123]);
  posterize(view(eight, 1, 1, 1), 8);
  assert.equal(eight[0], Math.fround(0.123), '8 bits keep the float as it is');
});

test('equalize spreads a two-level 28x28 image to 0 and 1, and keeps a small one (step 0) as PIL does', () => {
  const big = Float32Array.from({ length: 28 * 28 }, (_, k) => (k % 2 === 0 ? 0.2 : 0.8));
  equalize(view(big, 1, 28, 28));
  assert.deepEqual(new Set(big), new Set([0, 1]));
  assert.equal(big[0], 0);
  assert.equal(big[1], 1);
  const small = Float32Array.from({ length: 16 }, (_, k) => (k % 2 === 0 ? 0.2 : 0.8));
  const before = small.slice();
  equalize(view(small, 1, 4, 4));
  assert.deepEqual(small, before);
});

test('autoContrast stretches each channel to [0, 1] and keeps a flat one', () => {
  const data = Float32Array.from([0.25, 0.5, 0.75, 0.5, 0.4, 0.4, 0.4, 0.4]);
  autoContrast(view(data, 2, 2, 2));
  assert.deepEqual([...data.subarray(0, 4)], [0, 0.5, 1, 0.5]);
  assert.deepEqual([...data.subarray(4)], [0.4, 0.4, 0.4, 0.4].map(Math.fround));
});

test('brightness, contrast and colour blend and clip; colour is the identity on one channel', () => {
  const b = Float32Array.from([0.25, 0.75]);
  brightness(view(b, 1, 1, 2), 1.5);
  assert.deepEqual([...b], [0.375, 1]);
  const c = Float32Array.from([0.25, 0.75]);
  contrast(view(c, 1, 1, 2), 0.5); // mean 0.5
  assert.deepEqual([...c], [0.375, 0.625]);
  const grey = ramp(3, 3);
  const before = grey.slice();
  color(view(grey, 1, 3, 3), 0.1);
  assert.deepEqual(grey, before);
  const rgb = Float32Array.from([1, 0, 0]); // one red pixel
  color(view(rgb, 3, 1, 1), 0);
  for (const v of rgb) assert.ok(Math.abs(v - 0.299) < 1e-6, `saturation 0 gives the luma, found ${v}`);
});

test('sharpness 0 is the SMOOTH filter inside and the image at the border', () => {
  const data = new Float32Array(9);
  data[4] = 1;
  sharpness(view(data, 1, 3, 3), 0);
  assert.ok(Math.abs(data[4]! - 5 / 13) < 1e-6);
  assert.deepEqual([...data].filter((_, k) => k !== 4), [0, 0, 0, 0, 0, 0, 0, 0]);
});

test('translate by whole pixels shifts the content and fills with 0.5', () => {
  const data = ramp(4, 4);
  const src = data.slice();
  translateX(view(data, 1, 4, 4), 1); // output x shows source x + 1
  for (let y = 0; y < 4; y++) {
    for (let x = 0; x < 3; x++) assert.equal(data[y * 4 + x], src[y * 4 + x + 1]);
    assert.equal(data[y * 4 + 3], 0.5);
  }
  const down = ramp(4, 4);
  translateY(view(down, 1, 4, 4), -2);
  for (let x = 0; x < 4; x++) {
    assert.deepEqual([down[x], down[4 + x]], [0.5, 0.5]);
    assert.deepEqual([down[8 + x], down[12 + x]], [src[x], src[4 + x]]);
  }
  const rel = ramp(10, 10);
  applyOp(view(rel, 1, 10, 10), 'TranslateXRel', 10 / 4.5, -1); // 0.45 * (10/4.5)/10 * 10 px = 1 px, negated
  assert.equal(rel[0], 0.5);
  assert.equal(rel[1], ramp(10, 10)[0]);
});

test('rotate by 90 degrees turns a square counter-clockwise; shearX 0 is the identity', () => {
  const data = ramp(3, 3);
  const src = data.slice();
  rotate(view(data, 1, 3, 3), 90);
  // counter-clockwise: the top row becomes the left column, read from the bottom
  for (let k = 0; k < 3; k++) assert.ok(Math.abs(data[(2 - k) * 3]! - src[k]!) < 1e-6, `pixel ${k}`);
  const same = ramp(3, 3);
  shearX(view(same, 1, 3, 3), 0);
  assert.deepEqual(same, ramp(3, 3));
});

test('every op keeps values in [0, 1] on a random colour image at full magnitude, both signs', () => {
  const rng = Rng.fromSeed(7);
  for (const op of RANDAUGMENT_OPS) {
    for (const sign of [1, -1]) {
      const data = Float32Array.from({ length: 3 * 8 * 8 }, () => rng.uniform());
      applyOp(view(data, 3, 8, 8), op, 10, sign);
      for (const v of data) assert.ok(v >= 0 && v <= 1 && Number.isFinite(v), `${op} ${sign}: ${v}`);
    }
  }
});

test('the magnitude noise is clipped to [0, 10], and no noise is drawn at std 0', () => {
  const rng = Rng.fromSeed(1);
  const draws = Array.from({ length: 4000 }, () => drawMagnitude({ ops: 2, magnitude: 9, std: 2 }, rng));
  assert.ok(draws.every((m) => m >= 0 && m <= 10));
  assert.ok(draws.filter((m) => m === 10).length > 1000, 'about 31% of N(9, 2) lies above 10');
  assert.ok(Math.min(...draws) < 5);
  const fixed = Rng.fromSeed(2);
  const before = fixed.state();
  assert.equal(drawMagnitude({ ops: 2, magnitude: 9, std: 0 }, fixed), 9);
  assert.deepEqual(fixed.state(), before);
});

test('each drawn op is applied with probability 0.5 and the ops are drawn uniformly', (t) => {
  const rng = Rng.fromSeed(3);
  let applied = 0;
  let total = 0;
  const counts = new Map<string, number>();
  const image = new Float32Array(4 * 4);
  for (let i = 0; i < 5000; i++) {
    image.fill(0.3);
    for (const d of randAugment(view(image, 1, 4, 4), { ops: 2, magnitude: 9, std: 0.5 }, rng)) {
      total++;
      if (d.applied) {
        applied++;
        assert.ok(d.magnitude >= 0 && d.magnitude <= 10);
      }
      counts.set(d.op, (counts.get(d.op) ?? 0) + 1);
    }
  }
  const share = applied / total;
  t.diagnostic(`applied share ${share.toFixed(4)} of ${total}; op counts ${Math.min(...counts.values())}..${Math.max(...counts.values())}`);
  // 10000 Bernoulli(0.5) draws: std 0.005, so 4 std is 0.02.
  assert.ok(Math.abs(share - 0.5) < 0.02, `share ${share}`);
  assert.equal(counts.size, 15);
  // Each op ~ Binomial(10000, 1/15): mean 667, std 25.
  for (const [op, n] of counts) assert.ok(Math.abs(n - 10000 / 15) < 125, `${op}: ${n}`);
});

test('randAugment is deterministic for a given generator state', () => {
  const run = () => {
    const rng = Rng.fromSeed(11);
    const data = ramp(8, 8);
    const draws = randAugment(view(data, 1, 8, 8), { ops: 3, magnitude: 9, std: 0.5 }, rng);
    return { data, draws };
  };
  assert.deepEqual(run(), run());
});

test('bad settings are named', () => {
  assert.match(randAugmentProblem({ ops: 0, magnitude: 9, std: 0.5 }, 'x') ?? '', /x: ops must be an integer in 1\.\.16, found 0/);
  assert.match(randAugmentProblem({ ops: 2, magnitude: 11, std: 0.5 }, 'x') ?? '', /magnitude must be in \[0, 10\], found 11/);
  assert.match(randAugmentProblem({ ops: 2, magnitude: 9, std: -1 }, 'x') ?? '', /std must be a non-negative number, found -1/);
  assert.equal(randAugmentProblem({ ops: 2, magnitude: 9, std: 0.5 }, 'x'), null);
});
