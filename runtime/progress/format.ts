/** Text of the progress display: durations, the bar, and the one-line status of a step. */

/** 75 -> "1m15s", 3700 -> "1h01m", 9 -> "9s". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** A bar of `width` cells for `fraction` in [0, 1]: "[#####-----]". */
export function bar(fraction: number, width = 20): string {
  const filled = Math.max(0, Math.min(width, Math.round(fraction * width)));
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
}

export interface ProgressState {
  readonly step: number;
  readonly totalSteps: number;
  /** Fractional epoch. */
  readonly epoch: number;
  readonly epochs: number;
  readonly loss: number;
  readonly lr: number;
  readonly imagesPerSecond: number;
  /** Seconds left, estimated. */
  readonly etaSeconds: number;
}

/** "epoch 1.25/5 step 140/700 loss 0.8123 lr 2.50e-4 215 img/s ETA 3m10s". */
export function statusLine(p: ProgressState): string {
  return `epoch ${p.epoch.toFixed(2)}/${p.epochs} step ${p.step}/${p.totalSteps} loss ${p.loss.toFixed(4)} lr ${p.lr.toExponential(2)} ${p.imagesPerSecond.toFixed(0)} img/s ETA ${formatDuration(p.etaSeconds)}`;
}
