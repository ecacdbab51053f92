import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classQuota, labelledTrainImages, labelSubset, openDataset, parseLabelsFlag } from '../../runtime/data/index.ts';
import { limitedIndices } from '../../runtime/data/pipeline.ts';
import { Rng } from '../../runtime/rng.ts';

/** 1000 images over 7 classes of uneven sizes, in a shuffled order. */
function unevenLabels(): Int32Array {
  const sizes = [400, 250, 150, 100, 60, 37, 3];
  const labels = sizes.flatMap((n, c) => Array.from({ length: n }, () => c));
  const order = Rng.fromSeed(9).permutation(labels.length);
  return Int32Array.from(order, (i) => labels[i]!);
}

function perClass(labels: Int32Array, subset: Uint32Array): number[] {
  const counts: number[] = [];
  for (const i of subset) counts[labels[i]!] = (counts[labels[i]!] ?? 0) + 1;
  return counts;
}

test('each class contributes max(1, round(P * n_c)) images', () => {
  const labels = unevenLabels();
  const sizes = [400, 250, 150, 100, 60, 37, 3];
  for (const percent of [100, 50, 10, 1, 0.5]) {
    const subset = labelSubset(labels, percent, 0);
    const want = sizes.map((n) => Math.max(1, Math.round((percent * n) / 100)));
    assert.deepEqual(perClass(labels, subset), want, `${percent}%`);
  }
  // Halves round up: 10% of 15 is 1.5 -> 2, 10% of 5 is 0.5 -> 1, 1% of 250 is 2.5 -> 3.
  assert.equal(classQuota(15, 10), 2);
  assert.equal(classQuota(5, 10), 1);
  assert.equal(classQuota(250, 1), 3);
  assert.equal(classQuota(0, 10), 0);
});

test('the subset is sorted ascending, holds each image once and only labelled images', () => {
  const labels = unevenLabels();
  labels.fill(-1, 0, 100); // unlabelled (or outside a limit): never chosen
  const subset = labelSubset(labels, 10, 4);
  for (let k = 1; k < subset.length; k++) assert.ok(subset[k]! > subset[k - 1]!, `ascending at ${k}`);
  for (const i of subset) assert.ok(labels[i]! >= 0, `image ${i} is unlabelled`);
});

test('one label seed gives the same subset every time, another seed another subset', () => {
  const labels = unevenLabels();
  assert.deepEqual(labelSubset(labels, 10, 0), labelSubset(labels, 10, 0));
  const other = labelSubset(labels, 10, 1);
  assert.equal(other.length, labelSubset(labels, 10, 0).length);
  assert.notDeepEqual(other, labelSubset(labels, 10, 0));
});

test('a smaller percent need not be part of a larger one; with one label array it is (both are prefixes of one permutation per class)', () => {
  // Not part of the contract: only that each percent is stratified and fixed by its seed.
  const labels = unevenLabels();
  const big = new Set(labelSubset(labels, 10, 2));
  for (const i of labelSubset(labels, 1, 2)) assert.ok(big.has(i), `${i}`);
});

test('within --train-limit: only the limit\'s images are drawn from, per class of those', async () => {
  const ds = await openDataset('mnist');
  const within = new Set(limitedIndices(ds.splits.train, 1000));
  const { indices, pool } = labelledTrainImages(ds, { percent: 10, seed: 0 }, 1000);
  assert.equal(pool, 1000);
  for (const i of indices) assert.ok(within.has(i), `image ${i} is outside the limit`);
  const labels = ds.labels('train');
  const counts: number[] = [];
  for (const i of within) counts[labels[i]!] = (counts[labels[i]!] ?? 0) + 1;
  assert.deepEqual(perClass(labels, indices), counts.map((n) => Math.max(1, Math.round(n / 10))));
  const all = labelledTrainImages(ds, { percent: 1, seed: 0 });
  assert.equal(all.pool, ds.splits.train);
});

test('the pipeline with indices yields exactly those images, each once per epoch, with the usual dropLast', async () => {
  const ds = await openDataset('synthetic:train=200,test=10,size=8,channels=1,classes=4,seed=1');
  const indices = labelSubset(ds.labels('train'), 25, 7);
  assert.equal(indices.length, 52, 'a quarter of each class of 50, 12.5, rounds up to 13');
  const run = async (epoch: number, dropLast: boolean) => {
    const seen: number[] = [];
    const sizes: number[] = [];
    for await (const b of ds.batches('train', { batchSize: 16, imageSize: 8, channels: 1, seed: 3, epoch, augment: 'crop', dropLast, indices })) {
      seen.push(...b.indices);
      sizes.push(b.size);
      for (let k = 0; k < b.size; k++) assert.equal(b.labels[k], ds.labels('train')[b.indices[k]!]);
    }
    return { seen, sizes };
  };
  const all = await run(0, false);
  assert.deepEqual(all.sizes, [16, 16, 16, 4]);
  assert.deepEqual([...all.seen].sort((a, b) => a - b), [...indices]);
  const dropped = await run(0, true);
  assert.deepEqual(dropped.sizes, [16, 16, 16]);
  assert.deepEqual(dropped.seen, all.seen.slice(0, 48));
  const next = await run(1, false);
  assert.deepEqual([...next.seen].sort((a, b) => a - b), [...indices]);
  assert.notDeepEqual(next.seen, all.seen, 'each epoch has its own order');
});

test('an image gets the same augmentation inside a subset as in the whole split', async () => {
  const ds = await openDataset('synthetic:train=64,test=0,size=8,channels=1,classes=4,seed=2');
  const indices = Uint32Array.from([3, 10, 40]);
  const pixels = new Map<number, Float32Array>();
  const o = { batchSize: 64, imageSize: 8, channels: 1, seed: 5, epoch: 2, augment: 'crop' as const, dropLast: false };
  for await (const b of ds.batches('train', o)) for (let k = 0; k < b.size; k++) pixels.set(b.indices[k]!, b.images.slice(k * 64, (k + 1) * 64));
  for await (const b of ds.batches('train', { ...o, indices }))
    for (let k = 0; k < b.size; k++) assert.deepEqual(b.images.slice(k * 64, (k + 1) * 64), pixels.get(b.indices[k]!), `image ${b.indices[k]}`);
});

test('bad indices are refused naming the problem', async () => {
  const ds = await openDataset('synthetic:train=16,test=0,size=8,channels=1,classes=2,seed=2');
  const read = async (extra: object) => {
    for await (const _ of ds.batches('train', { batchSize: 4, imageSize: 8, channels: 1, seed: 0, epoch: 0, augment: 'none', dropLast: false, ...extra }));
  };
  await assert.rejects(read({ indices: [1, 16] }), /indices\[1\] must be an image index in 0\.\.15, found 16/);
  await assert.rejects(read({ indices: [3, 3] }), /strictly ascending, found 3 then 3 at 1/);
  await assert.rejects(read({ indices: [1], limit: 8 }), /indices and limit cannot both be given/);
});

test('--labels reads percentages and fractions, and refuses anything else naming the value', () => {
  assert.equal(parseLabelsFlag('10%'), 10);
  assert.equal(parseLabelsFlag('1%'), 1);
  assert.equal(parseLabelsFlag('0.5%'), 0.5);
  assert.equal(parseLabelsFlag('100%'), 100);
  assert.equal(parseLabelsFlag('0.1'), 10);
  assert.equal(parseLabelsFlag('0.07'), 7);
  assert.equal(parseLabelsFlag('0.005'), 0.5);
  assert.equal(parseLabelsFlag('1'), 100);
  for (const bad of ['0', '0%', '-1%', '150%', 'abc', '10%%', '', '1.5', '1e-2', ' 10%', '.5']) {
    const r = parseLabelsFlag(bad);
    assert.equal(typeof r, 'string', bad);
    assert.match(r as string, /^--labels must be a percentage in \(0%, 100%\]/, bad);
    assert.ok((r as string).includes(bad === '' ? '""' : bad), `${bad}: ${r}`);
  }
  assert.match(parseLabelsFlag('10') as string, /for 10 percent write 10%/);
});
