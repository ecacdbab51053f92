/**
 * An MAE for Fashion-MNIST (28x28, one channel). Clothing has more texture than digits,
 * so the encoder is wider and deeper than mnist-tiny's: 4x4 patches (L = 49, K = 12 at mask
 * 0.75), six 128-wide blocks with 4 heads, and a 2-block 64-wide decoder.
 */
import { mae, vit } from 'maec';

export const fashionMnist = mae({
  encoder: vit({ patch: 4, width: 128, depth: 6, heads: 4 }),
  decoder: { width: 64, depth: 2, heads: 4 },
  mask: 0.75,
  image: { size: 28, channels: 1 },
});
