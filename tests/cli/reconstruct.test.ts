import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { pretrainCommand } from '../../cli/commands/pretrain.ts';
import { reconstructCommand } from '../../cli/commands/reconstruct.ts';
import { bufferIo } from '../../cli/io.ts';
import { TINY_DATA, TINY_SPEC_PATH } from '../train/helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'maec-reconstruct-'));
const run = join(dir, 'run');

async function cli(command: typeof reconstructCommand, ...argv: string[]) {
  const io = bufferIo(dir);
  const code = await command.run(argv, io);
  return { code, stderr: io.stderr.join('') };
}

async function writeImage(name: string, width: number, height: number, channels: 1 | 3): Promise<string> {
  const path = join(dir, name);
  const pixels = Buffer.alloc(width * height * channels, 0);
  for (let i = 0; i < pixels.length; i += 7) pixels[i] = 255;
  await sharp(pixels, { raw: { width, height, channels } }).png().toFile(path);
  return path;
}

test('maec reconstruct draws one Figure-2 row per image, at the checkpoint\'s or a given mask ratio', async () => {
  const trained = await cli(pretrainCommand, TINY_SPEC_PATH, '--data', TINY_DATA, '--epochs', '1', '--batch', '32', '--out', run, '--backend', 'cpu');
  assert.equal(trained.code, 0, trained.stderr);
  const a = await writeImage('a.png', 40, 30, 3); // resized and converted to the model's 16x16x1
  const b = await writeImage('b.png', 16, 16, 1);
  const out = join(dir, 'grid.png');
  const r = await cli(reconstructCommand, run, a, b, '--mask', '0.5', '--out', out, '--backend', 'cpu');
  assert.equal(r.code, 0, r.stderr);
  const meta = await sharp(out).metadata();
  // Two rows of four tiles; each tile is at least the model's 16 pixels.
  assert.ok(meta.width! >= 4 * 16 && meta.height! >= 2 * 16 && meta.width! > meta.height!, `${meta.width}x${meta.height}`);
});

test('maec reconstruct names an unreadable image and writes nothing', async () => {
  const bad = join(dir, 'bad.png');
  writeFileSync(bad, 'not an image');
  const out = join(dir, 'never.png');
  const r = await cli(reconstructCommand, run, bad, '--out', out, '--backend', 'cpu');
  assert.equal(r.code, 1);
  assert.match(r.stderr, /bad\.png/);
  assert.equal(existsSync(out), false);
});

test('maec reconstruct rejects a mask ratio outside (0, 1) and a missing image list', async () => {
  assert.equal((await cli(reconstructCommand, run, 'x.png', '--mask', '1.5')).code, 2);
  assert.equal((await cli(reconstructCommand, run)).code, 2);
});

test('maec reconstruct names a missing run', async () => {
  const r = await cli(reconstructCommand, join(dir, 'no-such-run'), 'x.png');
  assert.equal(r.code, 1);
  assert.match(r.stderr, /no-such-run/);
});

test('maec reconstruct refuses an --out that is not a .png file, or is one of the images, before reading anything', async () => {
  const jpg = await cli(reconstructCommand, run, 'x.png', '--out', join(dir, 'x.jpg'));
  assert.equal(jpg.code, 2);
  assert.match(jpg.stderr, /--out must name a \.png file \(the grid is written as PNG\), found extension \.jpg in .*x\.jpg/);
  assert.equal(existsSync(join(dir, 'x.jpg')), false);
  const bare = await cli(reconstructCommand, run, 'x.png', '--out', 'grid');
  assert.equal(bare.code, 2);
  assert.match(bare.stderr, /found no extension in grid/);
  const image = await writeImage('mine.png', 16, 16, 1);
  const before = readFileSync(image);
  const own = await cli(reconstructCommand, run, image, '--out', image);
  assert.equal(own.code, 2);
  assert.match(own.stderr, /--out .*mine\.png is the image file .*mine\.png; the grid would overwrite it/);
  assert.deepEqual(readFileSync(image), before);
});
