/**
 * Normalisation constants. Values are for pixels scaled to [0, 1]; a batch holds
 * `(pixel - mean[c]) / std[c]`.
 */
import type { ChannelStats } from './types.ts';

/** MNIST's training-set mean and std (the values used throughout the PyTorch examples). */
export const MNIST_STATS: ChannelStats = Object.freeze({ mean: [0.1307], std: [0.3081] });

/** Fashion-MNIST's training-set mean and std. */
export const FASHION_MNIST_STATS: ChannelStats = Object.freeze({ mean: [0.286], std: [0.353] });

/** ImageNet's RGB mean and std, the MAE default for colour images of unknown origin. */
export const IMAGENET_STATS: ChannelStats = Object.freeze({ mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] });

/** Maps [0, 1] to [-1, 1]; used for grey images of unknown origin. */
export const HALF_STATS: ChannelStats = Object.freeze({ mean: [0.5], std: [0.5] });

/** Stats for `channels` output channels: a 1-channel set is repeated when grey data feeds 3 channels. */
export function statsForChannels(stats: ChannelStats, channels: number): ChannelStats {
  if (stats.mean.length === channels) return stats;
  const m = stats.mean[0]!;
  const s = stats.std[0]!;
  return { mean: Array.from({ length: channels }, () => m), std: Array.from({ length: channels }, () => s) };
}
