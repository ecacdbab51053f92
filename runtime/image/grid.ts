/**
 * A grid of image tiles as one raster: rows x columns of [C, H, W] float tiles, de-normalised with
 * the dataset's mean/std, clamped to [0, 1], upscaled by an integer factor with nearest-neighbour
 * (tiny 28x28 images stay crisp), separated by thin lines. Non-finite pixels (masked patches, see
 * `maskPatches`) are drawn in `maskedColour`.
 */
import type { Raster } from './raster.ts';

export interface GridOptions {
  /** Tile shape [channels, height, width]; channels 1 or 3. */
  readonly channels: 1 | 3;
  readonly height: number;
  readonly width: number;
  /** Per-channel normalisation to undo (use mean 0, std 1 for raw [0, 1] tiles). */
  readonly mean: readonly number[];
  readonly std: readonly number[];
  /** Integer nearest-neighbour upscale factor (default 1). */
  readonly scale?: number;
  /** Separator width in output pixels (default 2). */
  readonly gap?: number;
  /** Separator grey level 0..255 (default 255, white). */
  readonly gapColour?: number;
  /** Grey level 0..255 for non-finite pixels (default 128). */
  readonly maskedColour?: number;
}

/** A row of tiles; null leaves a cell empty (separator colour). */
export type GridRow = readonly (Float32Array | null)[];

/**
 * Composes `rows` into one raster of
 * `cols * width * scale + (cols + 1) * gap` by `rows * height * scale + (rows + 1) * gap` pixels.
 *
 * @example composeGrid([[orig, masked, recon, pasted]], { channels: 1, height: 28, width: 28, mean: [0.1307], std: [0.3081], scale: 4 })
 */
export function composeGrid(rows: readonly GridRow[], o: GridOptions): Raster {
  const scale = o.scale ?? 1;
  const gap = o.gap ?? 2;
  const C = o.channels;
  if (!Number.isInteger(scale) || scale < 1) throw new Error(`grid scale must be a positive integer, found ${scale}`);
  if (!Number.isInteger(gap) || gap < 0) throw new Error(`grid gap must be a non-negative integer, found ${gap}`);
  if (o.mean.length !== C || o.std.length !== C) throw new Error(`grid: expected ${C} mean and std values, found ${o.mean.length} and ${o.std.length}`);
  const cols = Math.max(1, ...rows.map((r) => r.length));
  const nRows = Math.max(1, rows.length);
  const tileH = o.height * scale;
  const tileW = o.width * scale;
  const width = cols * tileW + (cols + 1) * gap;
  const height = nRows * tileH + (nRows + 1) * gap;
  const data = new Uint8Array(width * height * C).fill(o.gapColour ?? 255);
  const masked = o.maskedColour ?? 128;
  const per = C * o.height * o.width;
  const plane = o.height * o.width;
  rows.forEach((row, ri) => {
    row.forEach((tile, ci) => {
      if (!tile) return;
      if (tile.length !== per) throw new Error(`grid tile (${ri}, ${ci}): expected ${C}x${o.height}x${o.width} = ${per} values, found ${tile.length}`);
      const top = gap + ri * (tileH + gap);
      const left = gap + ci * (tileW + gap);
      for (let y = 0; y < tileH; y++) {
        const sy = Math.floor(y / scale);
        const outRow = ((top + y) * width + left) * C;
        for (let x = 0; x < tileW; x++) {
          const sx = Math.floor(x / scale);
          for (let c = 0; c < C; c++) {
            const v = tile[c * plane + sy * o.width + sx]!;
            data[outRow + x * C + c] = Number.isFinite(v) ? Math.round(Math.min(1, Math.max(0, v * o.std[c]! + o.mean[c]!)) * 255) : masked;
          }
        }
      }
    });
  });
  return { data, width, height, channels: C };
}
