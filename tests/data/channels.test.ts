import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkCompatibility, openDataset, type BatchOptions } from '../../runtime/data/index.ts';

const O: BatchOptions = { batchSize: 8, imageSize: 8, channels: 3, seed: 0, epoch: 0, augment: 'none', dropLast: false, shuffle: false };

test('grey data into a 3-channel model is replicated into every channel', async () => {
  const ds = await openDataset('synthetic:train=8,size=8');
  for await (const b of ds.batches('train', O)) {
    for (let i = 0; i < b.size; i++) {
      const img = b.images.subarray(i * 192, (i + 1) * 192);
      assert.deepEqual([...img.subarray(64, 128)], [...img.subarray(0, 64)]);
      assert.deepEqual([...img.subarray(128, 192)], [...img.subarray(0, 64)]);
    }
  }
});

test('RGB data into a 1-channel model is refused by checkCompatibility and by batches', async () => {
  const ds = await openDataset('synthetic:channels=3,size=8');
  const e = checkCompatibility(ds, { channels: 1, imageSize: 8 });
  assert.equal(e?.code, 'DATA005');
  assert.match(e!.message, /3-channel \(RGB\) images but the model takes 1 channel; use 'grey:synthetic'/);
  const iterate = async () => {
    for await (const _ of ds.batches('train', { ...O, channels: 1 }));
  };
  await assert.rejects(iterate, /open it as 'grey:<source>'/);
});

test('grey: converts RGB to one channel explicitly, with 0.5/0.5 normalisation', async () => {
  const ds = await openDataset('grey:synthetic:channels=3,size=8,train=8');
  assert.equal(ds.channels, 1);
  assert.deepEqual(ds.stats, { mean: [0.5], std: [0.5] });
  assert.equal(checkCompatibility(ds, { channels: 1, imageSize: 32 }), undefined);
  for await (const b of ds.batches('train', { ...O, channels: 1 })) {
    for (const v of b.images) assert.ok(v >= -1 - 1e-6 && v <= 1 + 1e-6);
  }
});

test('checkCompatibility accepts a different image size (resized) and grey into 3 channels', async () => {
  const ds = await openDataset('synthetic:size=8');
  assert.equal(checkCompatibility(ds, { channels: 3, imageSize: 224 }), undefined);
  assert.match(checkCompatibility(ds, { channels: 4, imageSize: 8 })!.message, /model channels must be 1 or 3 .* found 4/);
});

test('a different model size resizes every image to S x S', async () => {
  const ds = await openDataset('synthetic:size=8,train=3');
  for await (const b of ds.batches('train', { ...O, imageSize: 20, channels: 1 })) assert.equal(b.images.length, 3 * 400);
});
