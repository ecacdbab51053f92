import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openDataset, type BatchOptions } from '../../runtime/data/index.ts';

const NONE: BatchOptions = { batchSize: 1000, imageSize: 28, channels: 1, seed: 0, epoch: 0, augment: 'none', dropLast: false, shuffle: false };

test('mnist has the fixed 9,000 / 1,000 split, 10 classes, MNIST stats and no flips', async () => {
  const ds = await openDataset('mnist');
  assert.deepEqual(ds.splits, { train: 9000, test: 1000 });
  assert.equal(ds.numClasses, 10);
  assert.equal(ds.imageSize, 28);
  assert.deepEqual(ds.stats, { mean: [0.1307], std: [0.3081] });
  assert.equal(ds.allowFlip, false);
});

test('the mnist test split holds every class at about its share (every 10th image)', async () => {
  const ds = await openDataset('mnist');
  const counts = new Array<number>(10).fill(0);
  for await (const b of ds.batches('test', NONE)) for (const l of b.labels) counts[l]!++;
  // The package holds 1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978 images per digit;
  // counting global indices = 9 mod 10 within each run of a class gives these.
  assert.deepEqual(counts, [100, 112, 99, 104, 98, 86, 101, 107, 95, 98]);
});

test('mnist reads the same pixels every time and they are real digits', async () => {
  const sums: number[] = [];
  for (let run = 0; run < 2; run++) {
    const ds = await openDataset('mnist');
    let s = 0;
    for await (const b of ds.batches('test', NONE)) for (let k = 0; k < b.images.length; k += 7) s += b.images[k]!;
    sums.push(s);
  }
  assert.equal(sums[0], sums[1]);
  // Normalised with MNIST's own stats, the subset's mean is near 0 and most pixels are background.
  const ds = await openDataset('mnist');
  let total = 0;
  let background = 0;
  let n = 0;
  for await (const b of ds.batches('test', NONE)) {
    for (const v of b.images) {
      total += v;
      if (Math.abs(v + 0.1307 / 0.3081) < 1e-5) background++;
      n++;
    }
  }
  assert.ok(Math.abs(total / n) < 0.05, `normalised mean ${total / n}`);
  assert.ok(background / n > 0.7 && background / n < 0.9, `background share ${background / n}`);
});
