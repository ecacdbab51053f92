import { test } from 'node:test';
import assert from 'node:assert/strict';
import { betaSymmetric, mixBatch } from '../../runtime/eval/mix.ts';
import { smoothedTargets } from '../../runtime/eval/loss.ts';
import { Rng } from '../../runtime/rng.ts';

const B = 6;
const shape = [3, 8, 10] as const; // C, H, W
const perImage = shape[0] * shape[1] * shape[2];
const images = () => Float32Array.from({ length: B * perImage }, (_, i) => Math.floor(i / perImage) + 1); // image n is all n + 1
const targets = () => smoothedTargets(Int32Array.from([0, 1, 2, 3, 0, 1]), 4, 0.1);

test('mixed targets are probability rows: each sums to one, under mixup and under CutMix', () => {
  for (const config of [{ mixup: 0.8, cutmix: 0 }, { mixup: 0, cutmix: 1 }, { mixup: 0.8, cutmix: 1 }]) {
    const rng = Rng.fromSeed(7);
    for (let trial = 0; trial < 20; trial++) {
      const m = mixBatch(images(), targets(), B, shape, config, rng);
      for (let n = 0; n < B; n++) {
        const row = m.targets.subarray(n * 4, (n + 1) * 4).reduce((a, b) => a + b, 0);
        assert.ok(Math.abs(row - 1) < 1e-6, `${JSON.stringify(config)}: row ${n} sums to ${row}`);
      }
      assert.ok(m.lam >= 0 && m.lam <= 1);
    }
  }
});

test('mixup blends each image with its mirror in the batch by lam, and the targets alike', () => {
  const m = mixBatch(images(), targets(), B, shape, { mixup: 0.8, cutmix: 0 }, Rng.fromSeed(3));
  assert.equal(m.kind, 'mixup');
  const t = targets();
  for (let n = 0; n < B; n++) {
    assert.ok(Math.abs(m.images[n * perImage]! - (m.lam * (n + 1) + (1 - m.lam) * (B - n))) < 1e-5);
    for (let k = 0; k < 4; k++) assert.ok(Math.abs(m.targets[n * 4 + k]! - (m.lam * t[n * 4 + k]! + (1 - m.lam) * t[(B - 1 - n) * 4 + k]!)) < 1e-6);
  }
});

test("CutMix pastes one box of the mirror image and lam is the share of the image's own pixels", () => {
  const rng = Rng.fromSeed(11);
  let boxes = 0;
  for (let trial = 0; trial < 30; trial++) {
    const m = mixBatch(images(), targets(), B, shape, { mixup: 0, cutmix: 1 }, rng);
    assert.equal(m.kind, 'cutmix');
    for (let n = 0; n < B; n++) {
      const px = m.images.subarray(n * perImage, (n + 1) * perImage);
      const own = px.filter((v) => v === n + 1).length;
      const mirror = px.filter((v) => v === B - n).length;
      if (n + 1 !== B - n) {
        assert.equal(own + mirror, perImage, 'every pixel is its own or the mirror image');
        assert.ok(Math.abs(own / perImage - m.lam) < 1e-9, `lam ${m.lam} vs own share ${own / perImage}`);
      }
    }
    if (m.lam < 1) boxes += 1;
  }
  assert.ok(boxes > 20, `most draws paste a box (${boxes} of 30)`);
});

test('the same generator state mixes the same way; with both off the batch is untouched and nothing is drawn', () => {
  const a = mixBatch(images(), targets(), B, shape, { mixup: 0.8, cutmix: 1 }, Rng.fromSeed(5));
  const b = mixBatch(images(), targets(), B, shape, { mixup: 0.8, cutmix: 1 }, Rng.fromSeed(5));
  assert.deepEqual(a, b);
  const rng = Rng.fromSeed(5);
  const before = rng.state();
  const x = images();
  const off = mixBatch(x, targets(), B, shape, { mixup: 0, cutmix: 0 }, rng);
  assert.equal(off.images, x);
  assert.deepEqual(rng.state(), before);
});

test('Beta(a, a) draws have mean 1/2 and variance 1 / (4 (2a + 1))', () => {
  for (const a of [0.8, 1, 2.5]) {
    const rng = Rng.fromSeed(17);
    const n = 20000;
    const xs = Array.from({ length: n }, () => betaSymmetric(a, rng));
    const mean = xs.reduce((s, x) => s + x, 0) / n;
    const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / n;
    const expected = 1 / (4 * (2 * a + 1));
    assert.ok(Math.abs(mean - 0.5) < 0.01, `a=${a}: mean ${mean}`);
    assert.ok(Math.abs(variance - expected) / expected < 0.05, `a=${a}: variance ${variance}, expected ${expected}`);
    assert.ok(xs.every((x) => x > 0 && x < 1));
  }
});
