import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import {
  composeGrid, lineChartSvg, maskPatches, niceTicks, pasteVisible, readImageFile, writeLineChart, writePng,
} from '../../runtime/image/index.ts';

function tempDir(t: { after: (f: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'maec-image-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const GREY = { channels: 1 as const, height: 28, width: 28, mean: [0.1307], std: [0.3081] };

test('a grid of 3 rows x 4 tiles at 28x28, scale 4, gap 2 is 458 x 344 pixels and written as that PNG', async (t) => {
  const tile = new Float32Array(784);
  const rows = Array.from({ length: 3 }, () => [tile, tile, tile, tile]);
  const grid = composeGrid(rows, { ...GREY, scale: 4 });
  assert.equal(grid.width, 4 * 112 + 5 * 2);
  assert.equal(grid.height, 3 * 112 + 4 * 2);
  const path = join(tempDir(t), 'sub', 'grid.png');
  await writePng(path, grid);
  const meta = await sharp(path).metadata();
  assert.deepEqual([meta.format, meta.width, meta.height, meta.channels], ['png', 458, 344, 1]);
  assert.deepEqual(readdirSync(join(path, '..')), ['grid.png'], 'no temp file is left behind');
});

test('grid tiles are de-normalised, clamped and upscaled with nearest-neighbour', () => {
  const tile = new Float32Array(4);
  tile[0] = (1 - 0.5) / 0.25; // white after de-normalising
  tile[1] = 100; // clamps to white
  tile[2] = -100; // clamps to black
  tile[3] = Number.NaN; // masked
  const g = composeGrid([[tile]], { channels: 1, height: 2, width: 2, mean: [0.5], std: [0.25], scale: 2, gap: 1, gapColour: 7, maskedColour: 128 });
  assert.equal(g.width, 6);
  const at = (y: number, x: number) => g.data[y * g.width + x];
  assert.equal(at(0, 0), 7);
  assert.deepEqual([at(1, 1), at(1, 2), at(2, 2), at(1, 3), at(1, 4), at(3, 1), at(4, 2), at(3, 3), at(4, 4)], [255, 255, 255, 255, 255, 0, 0, 128, 128]);
});

test('a wrongly sized tile is an error naming its cell', () => {
  assert.throws(() => composeGrid([[new Float32Array(784)], [null, new Float32Array(10)]], GREY), /grid tile \(1, 1\): expected 1x28x28 = 784 values, found 10/);
});

test('maskPatches blanks exactly the masked patches and pasteVisible restores the kept ones', () => {
  const img = Float32Array.from({ length: 16 }, (_, i) => i);
  const mask = [1, 0, 0, 1]; // patches (0,0) and (1,1) of a 4x4 image with p = 2
  const masked = maskPatches(img, 1, 4, 4, mask, 2);
  assert.deepEqual([...masked].map((v) => (Number.isNaN(v) ? -1 : v)), [-1, -1, 2, 3, -1, -1, 6, 7, 8, 9, -1, -1, 12, 13, -1, -1]);
  const recon = new Float32Array(16).fill(100);
  assert.deepEqual([...pasteVisible(recon, img, 1, 4, 4, mask, 2)], [100, 100, 2, 3, 100, 100, 6, 7, 8, 9, 100, 100, 12, 13, 100, 100]);
  assert.throws(() => maskPatches(img, 1, 4, 4, [1, 0], 2), /mask: expected 4 entries/);
});

test('nice ticks are round steps that cover the range', () => {
  assert.deepEqual(niceTicks(0, 200), { ticks: [0, 50, 100, 150, 200], step: 50 });
  const { ticks, step } = niceTicks(0.113, 1.27);
  assert.equal(step, 0.5);
  assert.ok(ticks[0]! <= 0.113 && ticks[ticks.length - 1]! >= 1.27);
});

test('the loss chart has axes, tick labels and one polyline per series, and is written as a PNG', async (t) => {
  const x = Array.from({ length: 50 }, (_, i) => i * 10);
  const series = [{ label: 'train', x, y: x.map((s) => 1 / (1 + s / 100)) }, { label: 'test <eval>', x: [0, 490], y: [1, Number.NaN] }];
  const svg = lineChartSvg(series, { title: 'loss', xLabel: 'step', yLabel: 'loss' });
  assert.equal((svg.match(/<polyline /g) ?? []).length, 1, 'the one-finite-point series is a dot');
  assert.match(svg, /<circle /);
  assert.match(svg, />500<\/text>/);
  assert.match(svg, /test &lt;eval&gt;/);
  const path = join(tempDir(t), 'loss.png');
  await writeLineChart(path, series, { width: 640, height: 360 });
  const { data, info } = await sharp(path).greyscale().raw().toBuffer({ resolveWithObject: true });
  assert.deepEqual([info.width, info.height], [640, 360]);
  const dark = data.filter((v) => v < 100).length;
  assert.ok(dark > 1000, `axes and labels should draw dark pixels, found ${dark}`);
  assert.throws(() => lineChartSvg([{ label: 'x', x: [1], y: [Number.NaN] }]), /expected at least one finite point/);
});

test('readImageFile gives [C, S, S], optionally normalised, and names a missing or corrupt file', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'wide.png');
  // 20x10, left half red, right half blue: the centre crop to a square keeps both halves.
  const data = new Uint8Array(20 * 10 * 3);
  for (let p = 0; p < 200; p++) data[p * 3 + ((p % 20) < 10 ? 0 : 2)] = 255;
  await sharp(data, { raw: { width: 20, height: 10, channels: 3 } }).png().toFile(path);
  const rgb = await readImageFile(path, { size: 10, channels: 3 });
  assert.equal(rgb.length, 300);
  assert.ok(rgb[0]! > 0.95 && rgb[200]! < 0.05, 'top-left is red');
  assert.ok(rgb[9]! < 0.05 && rgb[209]! > 0.95, 'top-right is blue');
  const grey = await readImageFile(path, { size: 4, channels: 1, mean: [0.5], std: [0.5] });
  assert.equal(grey.length, 16);
  for (const v of grey) assert.ok(v >= -1 && v <= 1);
  await assert.rejects(readImageFile(join(dir, 'none.png'), { size: 4, channels: 1 }), /image file not found: .*none\.png/);
  writeFileSync(join(dir, 'bad.png'), 'nope');
  await assert.rejects(readImageFile(join(dir, 'bad.png'), { size: 4, channels: 1 }), /cannot decode image .*bad\.png/);
  assert.ok(existsSync(path));
});
