/**
 * The project's benchmark config: CIFAR-10-sized images (32x32 RGB) cut into 4x4 patches
 * (L = 64, K = 16 at mask 0.75), a ViT-Ti-wide encoder (192 wide, 3 heads) of 6 blocks, and
 * a 128-wide 2-block decoder with 4 heads. Change it only together with the benchmarks.
 */
import { mae, vit } from 'maec';

export const cifarSmall = mae({
  encoder: vit({ patch: 4, width: 192, depth: 6, heads: 3 }),
  decoder: { width: 128, depth: 2, heads: 4 },
  mask: 0.75,
  image: { size: 32, channels: 3 },
});
