/**
 * The paper's Figure 2 for a few images: one row per image, original | masked | reconstruction |
 * reconstruction with the visible patches pasted back. Images are in the dataset's normalised
 * units; the grid de-normalises them with the dataset's stats.
 */
import * as tf from '@tensorflow/tfjs-core';
import { statsForChannels, type ChannelStats } from '../data/index.ts';
import { composeGrid, denormalizeWithVisibleStats, maskPatches, pasteVisible, patchifyImage, unpatchifyImage, writePng, type GridRow } from '../image/index.ts';
import type { ParamTensors, Program } from '../tfjs/program.ts';
import { readOutputs } from '../tfjs/read.ts';

/**
 * The grid rows for `images` [N, C, S, S] (normalised) under masking `noise` [N, L]. With
 * pixel targets the reconstruction is the prediction itself. With normPixLoss the prediction
 * is in per-patch normalised units and is drawn with statistics from the visible patches only
 * (`denormalizeWithVisibleStats`): a masked patch's true brightness is never borrowed.
 */
export async function reconstructionRows(program: Program, params: ParamTensors, images: Float32Array, noise: Float32Array): Promise<GridRow[]> {
  const { channels: C, imageSize: S, patch: p, numPatches: L, normPixLoss } = program.graph.meta;
  const n = images.length / (C * S * S);
  const r = tf.tidy(() => program.run(params, { imgs: tf.tensor(images, [n, C, S, S]), noise: tf.tensor(noise, [n, L]) }, ['pred', 'mask']));
  const out = await readOutputs(r, ['pred', 'mask']);
  const dim = p * p * C;
  const rows: GridRow[] = [];
  for (let i = 0; i < n; i++) {
    const original = images.slice(i * C * S * S, (i + 1) * C * S * S); // [C, S, S]
    const mask = out.mask.subarray(i * L, (i + 1) * L); // [L]
    let pred: Float32Array = out.pred.slice(i * L * dim, (i + 1) * L * dim); // [L, p*p*C]
    if (normPixLoss) pred = denormalizeWithVisibleStats(pred, patchifyImage(original, C, S, p), mask, dim);
    const recon = unpatchifyImage(pred, C, S, p); // [C, S, S]
    rows.push([original, maskPatches(original, C, S, S, mask, p), recon, pasteVisible(recon, original, C, S, S, mask, p)]);
  }
  return rows;
}

/** Writes the grid of `rows` as a PNG (atomically), upscaled so 28-pixel digits stay legible. */
export async function writeReconstructionGrid(path: string, rows: readonly GridRow[], meta: { channels: number; imageSize: number }, stats: ChannelStats): Promise<void> {
  const channels = meta.channels === 3 ? 3 : 1;
  const scale = Math.max(1, Math.min(4, Math.floor(128 / meta.imageSize)));
  const { mean, std } = statsForChannels(stats, channels);
  const raster = composeGrid(rows, { channels, height: meta.imageSize, width: meta.imageSize, mean, std, scale });
  await writePng(path, raster);
}
