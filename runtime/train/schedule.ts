/** The learning-rate schedule of MAE pretraining and fine-tuning. */
export interface Schedule {
  /** Peak learning rate: blr * effective batch / 256. */
  readonly lr: number;
  readonly minLr: number;
  /** Warmup length in epochs (fractional epochs allowed). */
  readonly warmupEpochs: number;
  readonly epochs: number;
}

/** lr = blr * effective batch / 256 (the linear scaling rule of the recipes). */
export function scaledLr(blr: number, effectiveBatch: number): number {
  return (blr * effectiveBatch) / 256;
}

/**
 * The learning rate at fractional epoch `epoch` (iteration / iterations per epoch + epoch):
 * linear warmup from 0, then a half-cosine from lr down to minLr, as the official
 * `adjust_learning_rate`.
 */
export function learningRate(s: Schedule, epoch: number): number {
  if (epoch < s.warmupEpochs) return (s.lr * epoch) / s.warmupEpochs;
  const span = s.epochs - s.warmupEpochs;
  const progress = span > 0 ? Math.min(1, (epoch - s.warmupEpochs) / span) : 1;
  return s.minLr + (s.lr - s.minLr) * 0.5 * (1 + Math.cos(Math.PI * progress));
}
