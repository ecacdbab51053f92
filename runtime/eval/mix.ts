/**
 * Mixup and CutMix for fine-tuning (the MAE fine-tuning recipe: mixup 0.8, cutmix 1.0, one of
 * the two per batch with equal chance when both are on). A batch is mixed with itself in
 * reverse order: image n with image B-1-n, and their (label-smoothed) targets alike.
 *   mixup:  x = lam * x + (1 - lam) * x_rev,                lam ~ Beta(a_mixup, a_mixup)
 *   cutmix: a box of x_rev pasted into x, its area 1 - lam of the image (lam ~ Beta(a_cutmix,
 *           a_cutmix), the box centred uniformly and clipped at the borders); lam is then the
 *           uncovered share of the image.
 *   targets = lam * y + (1 - lam) * y_rev
 * Every draw comes from the run's generator (checkpointed), so a resumed run mixes as the
 * uninterrupted one. Host arrays in, host arrays out.
 */
import type { Rng } from '../rng.ts';

export interface MixConfig {
  /** Beta concentration of mixup's lam; 0: no mixup. */
  readonly mixup: number;
  /** Beta concentration of CutMix's lam; 0: no CutMix. */
  readonly cutmix: number;
}

export interface MixedBatch {
  /** [B, C, S, S] */
  readonly images: Float32Array;
  /** [B, classes], each row summing to one */
  readonly targets: Float32Array;
  /** The weight of each sample's own image and target. */
  readonly lam: number;
  readonly kind: 'mixup' | 'cutmix' | 'none';
}

/** Gamma(k, 1) (Marsaglia and Tsang; k < 1 through Gamma(k + 1) * U^(1/k)). */
function gamma(k: number, rng: Rng): number {
  if (k < 1) return gamma(k + 1, rng) * Math.pow(1 - rng.uniform(), 1 / k);
  const d = k - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = rng.normal();
    const v0 = 1 + c * x;
    if (v0 <= 0) continue;
    const v = v0 * v0 * v0;
    const u = 1 - rng.uniform(); // (0, 1]
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

/** Beta(a, a) through two Gamma draws. */
export function betaSymmetric(a: number, rng: Rng): number {
  const x = gamma(a, rng);
  const y = gamma(a, rng);
  return x / (x + y);
}

/**
 * The mixed batch of `images` [B, C, S, S] and `targets` [B, classes] under `config`, drawing
 * from `rng`. With both off the inputs come back as they are (and nothing is drawn).
 */
export function mixBatch(images: Float32Array, targets: Float32Array, batch: number, imageShape: readonly [number, number, number], config: MixConfig, rng: Rng): MixedBatch {
  if (config.mixup <= 0 && config.cutmix <= 0) return { images, targets, lam: 1, kind: 'none' };
  const useCutmix = config.cutmix > 0 && (config.mixup <= 0 || rng.uniform() < 0.5);
  const [C, H, W] = imageShape;
  const perImage = C * H * W;
  const out = new Float32Array(images.length);
  let lam: number;
  if (useCutmix) {
    lam = betaSymmetric(config.cutmix, rng);
    const ratio = Math.sqrt(1 - lam);
    const cutH = Math.floor(H * ratio);
    const cutW = Math.floor(W * ratio);
    const cy = rng.int(H);
    const cx = rng.int(W);
    const y0 = Math.max(0, cy - (cutH >> 1));
    const y1 = Math.min(H, cy + (cutH >> 1));
    const x0 = Math.max(0, cx - (cutW >> 1));
    const x1 = Math.min(W, cx + (cutW >> 1));
    out.set(images);
    for (let n = 0; n < batch; n++) {
      const from = (batch - 1 - n) * perImage;
      const to = n * perImage;
      for (let c = 0; c < C; c++) for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) out[to + (c * H + y) * W + x] = images[from + (c * H + y) * W + x]!;
    }
    lam = 1 - ((y1 - y0) * (x1 - x0)) / (H * W);
  } else {
    lam = betaSymmetric(config.mixup, rng);
    for (let n = 0; n < batch; n++) {
      const own = n * perImage;
      const rev = (batch - 1 - n) * perImage;
      for (let i = 0; i < perImage; i++) out[own + i] = lam * images[own + i]! + (1 - lam) * images[rev + i]!;
    }
  }
  const classes = targets.length / batch;
  const mixed = new Float32Array(targets.length);
  for (let n = 0; n < batch; n++) {
    const rev = batch - 1 - n;
    for (let k = 0; k < classes; k++) mixed[n * classes + k] = lam * targets[n * classes + k]! + (1 - lam) * targets[rev * classes + k]!;
  }
  return { images: out, targets: mixed, lam, kind: useCutmix ? 'cutmix' : 'mixup' };
}
