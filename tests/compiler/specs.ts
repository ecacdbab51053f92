import { mae, vit, vitB, type MaeSpec } from '../../dsl/index.ts';

/** MAE ViT-B/16, the official preset whose counts the paper's code prints. */
export const base: MaeSpec = mae({ encoder: vitB, decoder: { width: 512, depth: 8, heads: 16 }, mask: 0.75 });

/**
 * Small enough to count FLOPs by hand: 4x4 one-channel images cut into 2x2 patches (L = 4,
 * patch dim 4), mask 0.5 (K = 2); encoder width 4, one block, MLP ratio 1; decoder width 2,
 * one block, MLP ratio 1.
 */
export const tiny: MaeSpec = mae({
  encoder: vit({ patch: 2, width: 4, depth: 1, heads: 1, mlpRatio: 1 }),
  decoder: { width: 2, depth: 1, heads: 1, mlpRatio: 1 },
  mask: 0.5,
  image: { size: 4, channels: 1 },
});

/** A CPU-sized model with several heads and blocks, for the passes' tests. */
export const small: MaeSpec = mae({
  encoder: vit({ patch: 4, width: 32, depth: 2, heads: 4 }),
  decoder: { width: 16, depth: 1, heads: 2 },
  mask: 0.75,
  image: { size: 16, channels: 3 },
});
