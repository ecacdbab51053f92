import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../runtime/rng.ts';
import { eraseImage, ERASING, sampleErasingBox } from '../../runtime/data/erasing.ts';
import { openDataset, type Batch, type BatchOptions } from '../../runtime/data/index.ts';

const SYNTH = 'synthetic:train=64,test=16,size=16,channels=1,classes=4,seed=3';
const dataset = await openDataset(SYNTH);
const base: BatchOptions = { batchSize: 16, imageSize: 16, channels: 1, seed: 5, epoch: 0, augment: 'flip', dropLast: false };

async function all(o: BatchOptions): Promise<Batch[]> {
  const out: Batch[] = [];
  for await (const b of dataset.batches('train', o)) out.push(b);
  return out;
}
const images = (bs: Batch[]) => bs.map((b) => b.images);

test('the box lies inside the image, sides below the image sides, area fraction within [0.02, 1/3] up to rounding', (t) => {
  const rng = Rng.fromSeed(9);
  let worst = 0;
  for (const [h, w] of [[28, 28], [32, 32], [16, 9]] as const) {
    for (let i = 0; i < 2000; i++) {
      const box = sampleErasingBox(rng, h, w);
      if (!box) continue;
      assert.ok(box.top >= 0 && box.left >= 0 && box.top + box.height <= h && box.left + box.width <= w, JSON.stringify(box));
      assert.ok(box.height < h && box.width < w);
      const fraction = box.targetArea / (h * w);
      assert.ok(fraction >= ERASING.minArea && fraction <= ERASING.maxArea, `target fraction ${fraction}`);
      // Rounding each side moves it by at most 1/2: |h w - target| <= (h + w) / 2 + 3/4.
      const aspect = box.height / Math.max(box.width, 1);
      const slack = 0.5 * (box.height + box.width) + 0.75;
      worst = Math.max(worst, Math.abs(box.height * box.width - box.targetArea) / (h * w));
      assert.ok(Math.abs(box.height * box.width - box.targetArea) <= slack, `area ${box.height * box.width} vs ${box.targetArea}`);
      assert.ok(box.width === 0 || (aspect > ERASING.minAspect / 2 && aspect < ERASING.maxAspect * 2), `aspect ${aspect}`);
    }
  }
  t.diagnostic(`worst |box area - target| as a fraction of the image: ${worst.toFixed(4)}`);
});

test('eraseImage writes noise into the box only, in every channel, with the given probability', (t) => {
  const rng = Rng.fromSeed(4);
  let erased = 0;
  const n = 4000;
  for (let i = 0; i < n; i++) {
    const dst = new Float32Array(2 + 3 * 28 * 28).fill(7);
    const box = eraseImage(dst, 2, 3, 28, 28, 0.25, rng);
    assert.deepEqual([dst[0], dst[1]], [7, 7]);
    if (!box) {
      assert.ok(dst.every((v) => v === 7));
      continue;
    }
    erased++;
    for (let c = 0; c < 3; c++) {
      for (let y = 0; y < 28; y++) {
        for (let x = 0; x < 28; x++) {
          const inside: boolean = y >= box.top && y < box.top + box.height && x >= box.left && x < box.left + box.width;
          const v = dst[2 + (c * 28 + y) * 28 + x]!;
          assert.equal(v !== 7, inside, `c ${c} y ${y} x ${x} inside ${inside}`);
        }
      }
    }
  }
  const share = erased / n;
  t.diagnostic(`erased share ${share.toFixed(4)} of ${n} (p 0.25)`);
  assert.ok(Math.abs(share - 0.25) < 0.03, `share ${share}`); // std 0.0068
});

test('erasing off (absent or 0) leaves batches bit-identical; on, it changes some and keeps the rest', async () => {
  const plain = images(await all(base));
  assert.deepEqual(images(await all({ ...base, reprob: 0 })), plain);
  const erased = images(await all({ ...base, reprob: 0.5 }));
  let changed = 0;
  let same = 0;
  for (let b = 0; b < plain.length; b++) {
    for (let i = 0; i < plain[b]!.length / 256; i++) {
      const a = plain[b]!.subarray(i * 256, (i + 1) * 256);
      const e = erased[b]!.subarray(i * 256, (i + 1) * 256);
      const diff = a.reduce((s, v, k) => s + (v !== e[k] ? 1 : 0), 0);
      if (diff === 0) same++;
      else changed++;
    }
  }
  assert.ok(changed > 15 && same > 15, `changed ${changed}, same ${same} of 64 at p 0.5`);
});

test('RandAugment and erasing: the same seed gives the same batches, another epoch or seed other draws; the order is untouched', async () => {
  const recipe = { ...base, randAugment: { ops: 2, magnitude: 9, std: 0.5 }, reprob: 0.25 };
  const a = await all(recipe);
  const b = await all(recipe);
  assert.deepEqual(images(a), images(b));
  const plain = await all(base);
  assert.deepEqual(a.map((x) => x.indices), plain.map((x) => x.indices));
  assert.notDeepEqual(images(a), images(plain));
  const nextEpoch = await all({ ...recipe, epoch: 1 });
  const plainNext = await all({ ...base, epoch: 1 });
  // Compare image by image (the epoch reorders): the same image gets other draws.
  const byIndex = (bs: Batch[]) => new Map(bs.flatMap((x) => [...x.indices].map((idx, k) => [idx, x.images.slice(k * 256, (k + 1) * 256)] as const)));
  const e0 = byIndex(a);
  const e1 = byIndex(nextEpoch);
  const p0 = byIndex(plain);
  const p1 = byIndex(plainNext);
  let differs = 0;
  for (const [idx, img] of e0) if (p0.get(idx)!.toString() === p1.get(idx)!.toString() && img.toString() !== e1.get(idx)!.toString()) differs++;
  assert.ok(differs > 32, `${differs} images augmented otherwise in epoch 1`);
  assert.notDeepEqual(images(await all({ ...recipe, seed: 6 })), images(a));
});

test('skipping batches (a resume) gives the later batches exactly', async () => {
  const recipe = { ...base, randAugment: { ops: 2, magnitude: 9, std: 0.5 }, reprob: 0.5 };
  const whole = await all(recipe);
  const tail = await all({ ...recipe, skipBatches: 2 });
  assert.deepEqual(images(tail), images(whole.slice(2)));
});

test('bad RandAugment or erasing options are refused naming the field', async () => {
  await assert.rejects(all({ ...base, reprob: 1.5 }), /batch options: reprob must be in \[0, 1\], found 1\.5/);
  await assert.rejects(all({ ...base, randAugment: { ops: 2, magnitude: 12, std: 0 } }), /batch options: randAugment: magnitude must be in \[0, 10\], found 12/);
});
