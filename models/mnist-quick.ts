/**
 * The quick-start MNIST MAE: small enough to pretrain in under three minutes on two shared CPU
 * cores and still leave the trivial predictor behind (README, docs/pretraining.md).
 * 4x4 patches (L = 49, K = 12 visible at mask 0.75), two 64-wide encoder blocks and one 64-wide
 * decoder block. Pixel targets (normPixLoss off), so the reconstruction figure is the
 * prediction itself, with no per-patch statistics to supply; no augmentation, because a few
 * epochs on unaugmented digits learn the strokes faster than on random crops.
 */
import { mae, vit } from 'maec';

export const mnistQuick = mae({
  encoder: vit({ patch: 4, width: 64, depth: 2, heads: 4 }),
  decoder: { width: 64, depth: 1, heads: 4 },
  mask: 0.75,
  image: { size: 28, channels: 1 },
  normPixLoss: false,
  augment: 'none',
});
