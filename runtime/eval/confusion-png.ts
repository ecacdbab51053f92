import { writePng, type Raster } from '../image/index.ts';
import type { Confusion } from './confusion.ts';

/**
 * The confusion matrix as an image: one square cell per (true row, predicted column), its
 * darkness the row-normalised share (white 0, black 1), separated by one-pixel grey lines.
 * Grey, (C * (cell + 1) + 1) pixels square.
 */
export function confusionRaster(c: Confusion, cell = 24): Raster {
  const side = c.classes * (cell + 1) + 1;
  const data = new Uint8Array(side * side).fill(160);
  for (let t = 0; t < c.classes; t++) {
    let row = 0;
    for (let p = 0; p < c.classes; p++) row += c.counts[t * c.classes + p]!;
    for (let p = 0; p < c.classes; p++) {
      const share = row > 0 ? c.counts[t * c.classes + p]! / row : 0;
      const value = Math.round(255 * (1 - share));
      for (let y = 0; y < cell; y++) data.fill(value, (1 + t * (cell + 1) + y) * side + 1 + p * (cell + 1), (1 + t * (cell + 1) + y) * side + 1 + p * (cell + 1) + cell);
    }
  }
  return { data, width: side, height: side, channels: 1 };
}

export async function writeConfusionPng(path: string, c: Confusion): Promise<void> {
  await writePng(path, confusionRaster(c));
}
