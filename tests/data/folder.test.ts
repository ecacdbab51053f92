import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { DataError, openDataset, type Batch, type BatchOptions, type Dataset, type SkippedImage } from '../../runtime/data/index.ts';

/** Writes a solid-colour image; `rgb` of length 1 gives a 1-channel PNG. */
async function solid(path: string, rgb: number[], size = 10, format: 'png' | 'jpeg' = 'png'): Promise<void> {
  const data = new Uint8Array(size * size * rgb.length);
  for (let i = 0; i < data.length; i++) data[i] = rgb[i % rgb.length]!;
  const raw = sharp(data, { raw: { width: size, height: size, channels: rgb.length as 1 | 3 } });
  const img = rgb.length === 1 ? raw.toColourspace('b-w') : raw;
  await (format === 'png' ? img.png() : img.jpeg({ quality: 95 })).toFile(path);
}

function tempDir(t: { after: (f: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'maec-folder-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const O: BatchOptions = { batchSize: 4, imageSize: 6, channels: 3, seed: 0, epoch: 0, augment: 'none', dropLast: false, shuffle: false };

async function all(ds: Dataset, split: 'train' | 'test' = 'train', o: Partial<BatchOptions> = {}): Promise<Batch[]> {
  const out: Batch[] = [];
  for await (const b of ds.batches(split, { ...O, ...o })) out.push(b);
  return out;
}

test('class sub-folders become labels in sorted order; a corrupt file is reported, counted once and skipped', async (t) => {
  const dir = tempDir(t);
  for (const c of ['red', 'blue']) mkdirSync(join(dir, c));
  await solid(join(dir, 'red', 'a.png'), [255, 0, 0]);
  await solid(join(dir, 'red', 'b.jpg'), [250, 0, 0], 12, 'jpeg');
  await solid(join(dir, 'blue', 'a.png'), [0, 0, 255], 8);
  writeFileSync(join(dir, 'blue', 'broken.png'), 'this is not a png');
  writeFileSync(join(dir, 'blue', 'notes.txt'), 'ignored');
  const warnings: SkippedImage[] = [];
  const ds = await openDataset(`folder:${dir}`, { onWarning: (w) => warnings.push(w) });
  assert.equal(ds.channels, 3);
  assert.deepEqual(ds.classNames, ['blue', 'red']);
  assert.deepEqual(ds.splits, { train: 4, test: 0 });
  assert.deepEqual(ds.stats.mean, [0.485, 0.456, 0.406]);

  for (let epoch = 0; epoch < 2; epoch++) {
    const batches = await all(ds, 'train', { epoch });
    assert.deepEqual(batches.map((b) => b.size), [3], 'three readable images fill one batch');
    const b = batches[0]!;
    assert.deepEqual([...b.labels], [0, 1, 1]);
    assert.equal(b.images.length, 3 * 3 * 36);
    // The blue image: red channel at 0, blue channel at 1, after the ImageNet normalisation.
    assert.ok(Math.abs(b.images[0]! - (0 - 0.485) / 0.229) < 1e-4);
    assert.ok(Math.abs(b.images[72]! - (1 - 0.406) / 0.225) < 1e-4);
  }
  assert.equal(warnings.length, 1);
  assert.equal(warnings[0]!.path, join(dir, 'blue', 'broken.png'));
  assert.deepEqual(ds.skipped().map((s) => s.path), [join(dir, 'blue', 'broken.png')]);
});

test('DIR/train and DIR/test are the splits; a flat folder is unlabelled; grey PNGs make a 1-channel set', async (t) => {
  const dir = tempDir(t);
  mkdirSync(join(dir, 'train'));
  mkdirSync(join(dir, 'test'));
  for (let i = 0; i < 5; i++) await solid(join(dir, 'train', `${i}.png`), [i * 50], 9);
  await solid(join(dir, 'test', 'x.png'), [200], 9);
  const ds = await openDataset(`folder:${dir}`);
  assert.equal(ds.channels, 1);
  assert.equal(ds.numClasses, null);
  assert.deepEqual(ds.splits, { train: 5, test: 1 });
  assert.deepEqual(ds.stats, { mean: [0.5], std: [0.5] });
  const [test] = await all(ds, 'test', { channels: 1 });
  assert.deepEqual([...test!.labels], [-1]);
  assert.ok(Math.abs(test!.images[0]! - (200 / 255 - 0.5) / 0.5) < 1e-4);
  const train = await all(ds, 'train', { channels: 1, imageSize: 3 });
  assert.deepEqual(train.map((b) => b.size), [4, 1]);
  assert.equal(train[0]!.images.length, 4 * 9);
});

test('a folder whose images are all unreadable is DATA004 naming the folder', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'a.png'), 'junk');
  writeFileSync(join(dir, 'b.jpg'), 'junk');
  await assert.rejects(openDataset(`folder:${dir}`), (e: unknown) => e instanceof DataError && e.code === 'DATA004' && e.message.includes(dir) && /none of the 2 images/.test(e.message));
});

test('a folder without images, or with both images and class folders, is an error', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'readme.txt'), 'no images');
  await assert.rejects(openDataset(`folder:${dir}`), /expected PNG or JPEG images, found none/);
  mkdirSync(join(dir, 'cats'));
  await solid(join(dir, 'cats', 'c.png'), [1, 2, 3]);
  await solid(join(dir, 'loose.png'), [1, 2, 3]);
  await assert.rejects(openDataset(`folder:${dir}`), (e: unknown) => e instanceof DataError && e.code === 'DATA007' && /found both/.test(e.message));
});

test('a test class that train lacks is an error naming the folder', async (t) => {
  const dir = tempDir(t);
  mkdirSync(join(dir, 'train', 'a'), { recursive: true });
  mkdirSync(join(dir, 'test', 'b'), { recursive: true });
  await solid(join(dir, 'train', 'a', '1.png'), [9, 9, 9]);
  await solid(join(dir, 'test', 'b', '1.png'), [9, 9, 9]);
  await assert.rejects(openDataset(`folder:${dir}`), /test\/b: class 'b' does not exist in the train split/);
});
