import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DataError, openDataset, parseIdx } from '../../runtime/data/index.ts';

/** An IDX ubyte file: magic, big-endian dims, data. */
function idx(dims: number[], data: number[]): Uint8Array {
  const header = new Uint8Array(4 + 4 * dims.length);
  header.set([0, 0, 0x08, dims.length]);
  const view = new DataView(header.buffer);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  return new Uint8Array([...header, ...data]);
}

function throwsData(f: () => unknown, code: string, pattern: RegExp): void {
  assert.throws(f, (e: unknown) => e instanceof DataError && e.code === code && pattern.test(e.message));
}

test('a raw IDX file parses to its dims and bytes', () => {
  const parsed = parseIdx(idx([2, 2, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]), 'x');
  assert.deepEqual(parsed.dims, [2, 2, 3]);
  assert.deepEqual([...parsed.data], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
});

test('a gzipped IDX file parses the same as the raw one', () => {
  const raw = idx([3], [7, 8, 9]);
  const fromGz = parseIdx(gzipSync(raw), 'x.gz');
  assert.deepEqual(fromGz.dims, [3]);
  assert.deepEqual([...fromGz.data], [7, 8, 9]);
});

test('a wrong magic number is an error naming the file and the bytes found', () => {
  throwsData(() => parseIdx(new Uint8Array([0x50, 0x4b, 3, 4, 0, 0]), 'data/f.idx'), 'DATA003', /data\/f\.idx: expected IDX magic .* found 50 4b 03 04/);
});

test('a non-ubyte IDX type is rejected', () => {
  const bytes = idx([1], [0]);
  bytes[2] = 0x0d;
  throwsData(() => parseIdx(bytes, 'f'), 'DATA003', /expected data type 0x08 .* found 0x0d/);
});

test('a data length that disagrees with the header is an error with both sizes', () => {
  throwsData(() => parseIdx(idx([2, 3], [1, 2, 3, 4, 5]), 'short'), 'DATA003', /short: expected 2 x 3 = 6 data bytes, found 5/);
});

test('corrupt gzip data is an error naming the file', () => {
  const gz = gzipSync(idx([3], [1, 2, 3]));
  throwsData(() => parseIdx(gz.subarray(0, gz.length - 6), 'cut.gz'), 'DATA003', /cut\.gz: gzip data is corrupt/);
});

test('fashion-mnist:DIR reads handmade raw and gzipped files and checks the pairing', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'maec-idx-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const pixels = (n: number) => Array.from({ length: n * 16 }, (_, i) => (i * 37) % 256);
  writeFileSync(join(dir, 'train-images-idx3-ubyte'), idx([3, 4, 4], pixels(3)));
  writeFileSync(join(dir, 'train-labels-idx1-ubyte.gz'), gzipSync(idx([3], [2, 0, 9])));
  writeFileSync(join(dir, 't10k-images-idx3-ubyte.gz'), gzipSync(idx([2, 4, 4], pixels(2))));
  writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), idx([2], [5, 5]));
  const ds = await openDataset(`fashion-mnist:${dir}`);
  assert.deepEqual(ds.splits, { train: 3, test: 2 });
  assert.equal(ds.imageSize, 4);
  const batches = [];
  for await (const b of ds.batches('train', { batchSize: 8, imageSize: 4, channels: 1, seed: 0, epoch: 0, augment: 'none', dropLast: false, shuffle: false })) batches.push(b);
  assert.deepEqual([...batches[0]!.labels], [2, 0, 9]);
  // Unscaled 'none' is an exact copy, so the stored byte is recoverable through the normalisation.
  const first = batches[0]!.images[1]! * ds.stats.std[0]! + ds.stats.mean[0]!;
  assert.ok(Math.abs(first * 255 - 37) < 1e-3, `pixel 1 should be byte 37, found ${first * 255}`);

  writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), idx([3], [5, 5, 5]));
  await assert.rejects(openDataset(`fashion-mnist:${dir}`), /t10k-labels-idx1-ubyte: expected 2 labels to match .* found 3/);
  writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), idx([2], [5, 10]));
  await assert.rejects(openDataset(`fashion-mnist:${dir}`), /label 1 is 10, expected 0\.\.9/);
  rmSync(join(dir, 't10k-labels-idx1-ubyte'));
  await assert.rejects(openDataset(`fashion-mnist:${dir}`), (e: unknown) => e instanceof DataError && e.code === 'DATA002' && /t10k-labels-idx1-ubyte or .*\.gz/.test(e.message));
});

test('the installed Fashion-MNIST has 60,000 + 10,000 28x28 images and the documented mean', async (t) => {
  const dir = '/usr/share/datasets/fashion-mnist';
  if (!existsSync(join(dir, 'train-images-idx3-ubyte.gz')) && !existsSync(join(dir, 'train-images-idx3-ubyte'))) {
    t.skip(`Fashion-MNIST not installed in ${dir} (apt package dataset-fashion-mnist)`);
    return;
  }
  const ds = await openDataset('fashion-mnist');
  assert.deepEqual(ds.splits, { train: 60000, test: 10000 });
  assert.equal(ds.imageSize, 28);
  assert.equal(ds.numClasses, 10);
  let sum = 0;
  let count = 0;
  const perClass = new Array<number>(10).fill(0);
  for await (const b of ds.batches('test', { batchSize: 2000, imageSize: 28, channels: 1, seed: 0, epoch: 0, augment: 'none', dropLast: false })) {
    for (const v of b.images) sum += v;
    count += b.images.length;
    for (const l of b.labels) perClass[l]!++;
  }
  assert.deepEqual(perClass, new Array(10).fill(1000));
  // Normalised with the train mean/std, the test set's mean is near 0 (the sets are alike).
  assert.ok(Math.abs(sum / count) < 0.02, `normalised test mean ${sum / count}`);
});
