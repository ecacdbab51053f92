/**
 * The base MAE of every ablation in this folder, sized for Fashion-MNIST (28x28, one channel)
 * and cheap enough that a sweep of ten variants runs on two CPU cores: mnist-quick's encoder
 * (4x4 patches: L = 49, K = 12 at mask 0.75; two 64-wide blocks, 4 heads) and a decoder half
 * as wide as the encoder with two blocks, as the paper's default (512-d, 8 blocks) is half of
 * ViT-L's width. Pixel targets without per-patch normalisation, the paper's Table 1 baseline
 * except 1d; random masking at 75%.
 */
import { mae, vit } from 'maec';

export const ablationBase = mae({
  encoder: vit({ patch: 4, width: 64, depth: 2, heads: 4 }),
  decoder: { width: 32, depth: 2, heads: 4 },
  mask: 0.75,
  image: { size: 28, channels: 1 },
  normPixLoss: false,
});
