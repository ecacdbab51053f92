import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openDataset, type Batch, type BatchOptions, type Dataset } from '../../runtime/data/index.ts';

const BASE: BatchOptions = { batchSize: 16, imageSize: 12, channels: 1, seed: 7, epoch: 0, augment: 'pretrain', dropLast: false };

async function collect(ds: Dataset, o: Partial<BatchOptions> = {}, split: 'train' | 'test' = 'train'): Promise<Batch[]> {
  const out: Batch[] = [];
  for await (const b of ds.batches(split, { ...BASE, ...o })) out.push(b);
  return out;
}

const indices = (bs: Batch[]) => bs.flatMap((b) => [...b.indices]);
const images = (bs: Batch[]) => bs.flatMap((b) => [...b.images]);

test('the same seed and epoch give the same order and the same augmented pixels', async () => {
  const ds = await openDataset('synthetic:train=100,size=12');
  const a = await collect(ds);
  const b = await collect(ds);
  assert.deepEqual(indices(a), indices(b));
  assert.deepEqual(images(a), images(b));
});

test('an epoch visits every image exactly once', async () => {
  const ds = await openDataset('synthetic:train=100,size=12');
  const seen = indices(await collect(ds)).sort((x, y) => x - y);
  assert.deepEqual(seen, Array.from({ length: 100 }, (_, i) => i));
});

test('a different epoch or seed gives a different order', async () => {
  const ds = await openDataset('synthetic:train=100,size=12');
  const base = indices(await collect(ds));
  assert.notDeepEqual(indices(await collect(ds, { epoch: 1 })), base);
  assert.notDeepEqual(indices(await collect(ds, { seed: 8 })), base);
});

test('augmentation of an image does not depend on the batch size', async () => {
  const ds = await openDataset('synthetic:train=40,size=12');
  const byIndex = (bs: Batch[]) => {
    const m = new Map<number, number[]>();
    for (const b of bs) for (let i = 0; i < b.size; i++) m.set(b.indices[i]!, [...b.images.subarray(i * 144, (i + 1) * 144)]);
    return m;
  };
  assert.deepEqual(byIndex(await collect(ds, { batchSize: 5 })), byIndex(await collect(ds, { batchSize: 16 })));
});

test('dropLast drops only the short final batch; otherwise it is kept', async () => {
  const ds = await openDataset('synthetic:train=40,size=12');
  assert.deepEqual((await collect(ds, { dropLast: true })).map((b) => b.size), [16, 16]);
  const kept = await collect(ds);
  assert.deepEqual(kept.map((b) => b.size), [16, 16, 8]);
  assert.equal(kept[2]!.images.length, 8 * 144);
});

test('skipBatches resumes mid-epoch with the same batches', async () => {
  const ds = await openDataset('synthetic:train=40,size=12');
  const full = await collect(ds);
  const resumed = await collect(ds, { skipBatches: 1 });
  assert.deepEqual(indices(resumed), indices(full.slice(1)));
  assert.deepEqual(images(resumed), images(full.slice(1)));
});

test('the test split is in order unless shuffling is asked for, and limit takes one fixed subset', async () => {
  const ds = await openDataset('synthetic:test=20,size=12');
  assert.deepEqual(indices(await collect(ds, {}, 'test')), Array.from({ length: 20 }, (_, i) => i));
  const limited = indices(await collect(ds, { limit: 6, shuffle: true }, 'test'));
  const unshuffled = indices(await collect(ds, { limit: 6 }, 'test'));
  assert.equal(new Set(limited).size, 6);
  assert.ok(limited.every((i) => i >= 0 && i < 20));
  assert.deepEqual([...limited].sort((x, y) => x - y), [...unshuffled].sort((x, y) => x - y));
});

test('labels follow the images through the shuffle', async () => {
  const ds = await openDataset('synthetic:train=40,size=12,classes=4');
  for (const b of await collect(ds)) for (let i = 0; i < b.size; i++) assert.equal(b.labels[i], b.indices[i]! % 4);
});

test('bad batch options are DATA006 errors saying what was found', async () => {
  const ds = await openDataset('synthetic');
  await assert.rejects(collect(ds, { batchSize: 0 }), /batchSize must be a positive integer, found 0/);
  await assert.rejects(collect(ds, { augment: 'jitter' as never }), /augment must be one of none, pretrain, pretrain-fixed-crop, pretrain\+jitter, crop, flip, found 'jitter'/);
  await assert.rejects(collect(ds, { channels: 2 }), /channels must be 1 or 3, found 2/);
});
