/** Reading one user image (e.g. for `maec reconstruct`). */
import { existsSync } from 'node:fs';
import { decodeImage } from './decode.ts';

export interface ReadImageOptions {
  /** Output side length S. */
  readonly size: number;
  /** 1 (converted to grey) or 3 (grey images are expanded to RGB). */
  readonly channels: 1 | 3;
  /** When given, the result is normalised per channel: (v - mean[c]) / std[c]. */
  readonly mean?: readonly number[];
  readonly std?: readonly number[];
}

/**
 * Reads a PNG/JPEG (anything sharp decodes) as [C, S, S] row-major, values in [0, 1] or
 * normalised. Unlike the datasets, asking for 1 channel converts a colour image to grey: the user
 * named this file for a 1-channel model, which is an explicit conversion.
 *
 * @example const x = await readImageFile('cat.jpg', { size: 32, channels: 3, ...IMAGENET_STATS })
 */
export async function readImageFile(path: string, o: ReadImageOptions): Promise<Float32Array> {
  if (!existsSync(path)) throw new Error(`image file not found: ${path}`);
  if (!Number.isInteger(o.size) || o.size < 1) throw new Error(`image size must be a positive integer, found ${o.size}`);
  let pixels: Float32Array;
  try {
    pixels = await decodeImage(path, o.size, o.channels);
  } catch (e) {
    throw new Error(`cannot decode image ${path}: expected PNG or JPEG, ${(e as Error).message}`);
  }
  if (o.mean || o.std) {
    if (o.mean?.length !== o.channels || o.std?.length !== o.channels) {
      throw new Error(`normalisation: expected ${o.channels} mean and std values, found ${o.mean?.length ?? 0} and ${o.std?.length ?? 0}`);
    }
    const plane = o.size * o.size;
    for (let c = 0; c < o.channels; c++) {
      for (let k = c * plane; k < (c + 1) * plane; k++) pixels[k] = (pixels[k]! - o.mean[c]!) / o.std[c]!;
    }
  }
  return pixels;
}
