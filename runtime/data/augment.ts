/**
 * Per-image augmentation, drawn from a seeded Rng: a crop (none, fixed-size, or
 * RandomResizedCrop) resampled to the output size, a horizontal flip, then colour jitter. The
 * MAE recipe is RandomResizedCrop + flip; the other pretraining modes are the paper's Table 1e.
 * Box sampling follows torchvision's `RandomCrop` and `RandomResizedCrop.get_params`, jitter its
 * `ColorJitter` on float images.
 */
import type { Rng } from '../rng.ts';
import { resampleBox, type Box } from '../image/resample.ts';
import type { Augment } from './types.ts';

/** RandomResizedCrop's ranges: fraction of the image area and width/height ratio. */
export interface CropRanges {
  readonly scale: readonly [number, number];
  readonly ratio: readonly [number, number];
}

/** The MAE recipe: scale 0.2..1.0 (torchvision's default is 0.08), ratio 3/4..4/3. */
export const MAE_CROP: CropRanges = Object.freeze({ scale: [0.2, 1.0] as const, ratio: [3 / 4, 4 / 3] as const });

/** Python's round(): halves go to the even neighbour (torchvision computes crop sides with it). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * Draws a crop box for an h x w image: up to 10 attempts at a random area and log-uniform aspect
 * ratio that fits, else the largest central crop whose ratio is within range.
 */
export function sampleResizedCrop(rng: Rng, h: number, w: number, ranges: CropRanges = MAE_CROP): Box {
  const area = h * w;
  const logLo = Math.log(ranges.ratio[0]);
  const logHi = Math.log(ranges.ratio[1]);
  for (let attempt = 0; attempt < 10; attempt++) {
    const target = area * (ranges.scale[0] + rng.uniform() * (ranges.scale[1] - ranges.scale[0]));
    const aspect = Math.exp(logLo + rng.uniform() * (logHi - logLo));
    const cw = roundHalfEven(Math.sqrt(target * aspect));
    const ch = roundHalfEven(Math.sqrt(target / aspect));
    if (cw > 0 && cw <= w && ch > 0 && ch <= h) {
      return { top: rng.int(h - ch + 1), left: rng.int(w - cw + 1), height: ch, width: cw };
    }
  }
  const inRatio = w / h;
  let cw = w;
  let ch = h;
  if (inRatio < ranges.ratio[0]) ch = roundHalfEven(w / ranges.ratio[0]);
  else if (inRatio > ranges.ratio[1]) cw = roundHalfEven(h * ranges.ratio[1]);
  return { top: Math.floor((h - ch) / 2), left: Math.floor((w - cw) / 2), height: ch, width: cw };
}

/** Table 1e's fixed-size crop: Resize(256) then RandomCrop(224), so 7/8 of the shorter side. */
export const FIXED_CROP_FRACTION = 224 / 256;

/**
 * Draws a square box of side round(min(h, w) * fraction) (half to even, at least 1) at a uniform
 * position inside an h x w image, as RandomCrop does after Resize. Example: 28x28 gives 24x24.
 */
export function sampleFixedCrop(rng: Rng, h: number, w: number, fraction = FIXED_CROP_FRACTION): Box {
  const side = Math.max(1, roundHalfEven(Math.min(h, w) * fraction));
  return { top: rng.int(h - side + 1), left: rng.int(w - side + 1), height: side, width: side };
}

/** ColorJitter's strength: each factor is drawn from [1 - s, 1 + s]. */
export const JITTER_STRENGTH = 0.4;

export type JitterOp = 'brightness' | 'contrast' | 'saturation';

/** One draw of colour jitter: the factors, applied in `order`. */
export interface Jitter {
  readonly order: readonly JitterOp[];
  readonly brightness: number;
  readonly contrast: number;
  readonly saturation: number;
}

const JITTER_OPS: readonly JitterOp[] = Object.freeze(['brightness', 'contrast', 'saturation']);

/**
 * Draws an order and three factors. Saturation is drawn for grey images too (where it changes
 * nothing), so grey and colour data consume the same draws.
 */
export function sampleJitter(rng: Rng, strength = JITTER_STRENGTH): Jitter {
  const order = [...rng.permutation(JITTER_OPS.length)].map((i) => JITTER_OPS[i]!);
  const factor = () => 1 - strength + rng.uniform() * 2 * strength;
  return { order, brightness: factor(), contrast: factor(), saturation: factor() };
}

/** ITU-R 601 luma, torchvision's `rgb_to_grayscale`. */
const LUMA = [0.299, 0.587, 0.114] as const;

/**
 * Applies `jitter` in place to a [channels, n] image in [0, 1] at `offset` (n = pixels per plane):
 * brightness scales values, contrast blends with the mean luma, saturation blends each pixel
 * with its luma (colour only); each step clamps to [0, 1] as torchvision's `_blend` does.
 */
export function applyJitter(dst: Float32Array, offset: number, channels: number, n: number, jitter: Jitter): void {
  const image = dst.subarray(offset, offset + channels * n);
  const luma = (k: number): number => (channels === 3 ? LUMA[0] * image[k]! + LUMA[1] * image[n + k]! + LUMA[2] * image[2 * n + k]! : image[k]!);
  const blend = (k: number, factor: number, other: number) => (image[k] = Math.min(1, Math.max(0, factor * image[k]! + (1 - factor) * other)));
  for (const op of jitter.order) {
    if (op === 'brightness') {
      for (let k = 0; k < image.length; k++) blend(k, jitter.brightness, 0);
    } else if (op === 'contrast') {
      let sum = 0;
      for (let k = 0; k < n; k++) sum += luma(k);
      const mean = sum / n;
      for (let k = 0; k < image.length; k++) blend(k, jitter.contrast, mean);
    } else if (channels === 3) {
      for (let k = 0; k < n; k++) {
        const grey = luma(k);
        for (let c = 0; c < 3; c++) blend(c * n + k, jitter.saturation, grey);
      }
    }
  }
}

/** The steps an `Augment` value takes, in the order they are drawn and applied. */
export interface AugmentSteps {
  readonly crop: 'none' | 'fixed' | 'resized';
  /** Flip with p = 0.5 when the dataset allows it. */
  readonly flip: boolean;
  readonly jitter: boolean;
}

export const AUGMENT_STEPS: Readonly<Record<Augment, AugmentSteps>> = Object.freeze({
  none: { crop: 'none', flip: false, jitter: false },
  pretrain: { crop: 'resized', flip: true, jitter: false },
  'pretrain-fixed-crop': { crop: 'fixed', flip: true, jitter: false },
  'pretrain+jitter': { crop: 'resized', flip: true, jitter: true },
  crop: { crop: 'resized', flip: false, jitter: false },
  flip: { crop: 'none', flip: true, jitter: false },
});

function sampleBox(crop: AugmentSteps['crop'], rng: Rng, h: number, w: number): Box {
  if (crop === 'resized') return sampleResizedCrop(rng, h, w);
  if (crop === 'fixed') return sampleFixedCrop(rng, h, w);
  return { top: 0, left: 0, height: h, width: w };
}

/** Where an image lands in the output and how. */
export interface AugmentTarget {
  readonly dst: Float32Array;
  readonly offset: number;
  readonly size: number;
}

/**
 * Augments one [channels, h, w] image in [0, 1] into `target` ([channels, size, size] at
 * `offset`). Draws from `rng` only what `augment` needs, in the order box, flip, jitter, so modes
 * that share a step draw it alike (`pretrain+jitter` crops and flips as `pretrain` does).
 * Returns the box, flip and jitter used (jitter null when the mode has none).
 */
export function augmentImage(
  src: Float32Array,
  channels: number,
  h: number,
  w: number,
  augment: Augment,
  allowFlip: boolean,
  rng: Rng,
  target: AugmentTarget,
): { box: Box; flip: boolean; jitter: Jitter | null } {
  const steps = AUGMENT_STEPS[augment];
  const box = sampleBox(steps.crop, rng, h, w);
  const flip = steps.flip && allowFlip && rng.uniform() < 0.5;
  resampleBox(src, channels, h, w, box, target.size, target.size, flip, target.dst, target.offset);
  const jitter = steps.jitter ? sampleJitter(rng) : null;
  if (jitter) applyJitter(target.dst, target.offset, channels, target.size * target.size, jitter);
  return { box, flip, jitter };
}
