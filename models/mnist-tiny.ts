/**
 * A CPU-sized MAE for MNIST (28x28, one channel): 4x4 patches give L = 49 and, at mask 0.75,
 * K = 12 visible patches. Four 64-wide blocks with 4 heads (head dim 16) and a 2-block
 * 64-wide decoder: about 0.3 M parameters, trains in minutes on a laptop.
 */
import { mae, vit } from 'maec';

export const mnistTiny = mae({
  encoder: vit({ patch: 4, width: 64, depth: 4, heads: 4 }),
  decoder: { width: 64, depth: 2, heads: 4 },
  mask: 0.75,
  image: { size: 28, channels: 1 },
});
