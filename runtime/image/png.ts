/**
 * PNG output. Files are written atomically (a temp file in the same folder, then rename), so a
 * viewer or a crash never leaves a half-written image behind.
 */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import sharp from 'sharp';
import { checkRaster, type Raster } from './raster.ts';

let tempCounter = 0;

/** Encodes a raster as PNG bytes. */
export async function encodePng(image: Raster): Promise<Buffer> {
  checkRaster(image);
  const raw = sharp(image.data, { raw: { width: image.width, height: image.height, channels: image.channels } });
  // sharp would otherwise expand 1-channel input to an RGB PNG.
  return (image.channels <= 2 ? raw.toColourspace('b-w') : raw).png().toBuffer();
}

/** Writes `bytes` to `path` via a temp file and rename; creates the folder if needed. */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const temp = join(dir, `.${basename(path)}.${process.pid}.${tempCounter++}.tmp`);
  try {
    await writeFile(temp, bytes);
    await rename(temp, path);
  } catch (e) {
    await rm(temp, { force: true });
    throw e;
  }
}

/**
 * Writes a raster as a PNG file, atomically.
 *
 * @example await writePng('runs/a/grid.png', composeGrid(rows, opts))
 */
export async function writePng(path: string, image: Raster): Promise<void> {
  await writeFileAtomic(path, await encodePng(image));
}
