/**
 * RandAugment for fine-tuning, as timm's `rand-m9-mstd0.5-inc1` defines it: each image gets N
 * ops drawn uniformly (with replacement) from the 15 below, each applied with probability 0.5,
 * at magnitude M of 10 plus Gaussian noise of std STD drawn per application, clipped to [0, 10].
 * "inc1" means the variants whose severity increases with the magnitude (posterize keeps fewer
 * bits, solarize inverts from a lower threshold, enhance factors move further from 1).
 *
 * Ops work in place on a [channels, h, w] image in [0, 1], before normalisation. The ops PIL
 * defines on 8-bit values (posterize, the solarize thresholds, equalize) look at the value
 * rounded to 8 bits; the others stay in floating point. Geometric ops sample bilinearly at pixel
 * centres (a source point outside the image takes the fill, 0.5, timm's grey (128, 128, 128));
 * their ranges are fractions of the side (translate) or angles (rotate, shear), so they mean
 * the same at 28 px as at 224 px.
 *
 * Magnitude -> argument (m in [0, 10]; "+-" is a random sign, even odds):
 *   Rotate +-30 m/10 degrees; ShearX/Y +-0.3 m/10; TranslateXRel/YRel +-0.45 m/10 of the side;
 *   PosterizeIncreasing 4 - floor(4 m/10) bits; SolarizeIncreasing threshold 256 - floor(256 m/10);
 *   SolarizeAdd floor(110 m/10)/255 added below 128/255;
 *   Color/Contrast/Brightness/SharpnessIncreasing factor 1 +- 0.9 m/10.
 */
import type { Rng } from '../rng.ts';
import type { RandAugmentConfig } from './types.ts';

export const RANDAUGMENT_OPS = Object.freeze([
  'AutoContrast',
  'Equalize',
  'Invert',
  'Rotate',
  'PosterizeIncreasing',
  'SolarizeIncreasing',
  'SolarizeAdd',
  'ColorIncreasing',
  'ContrastIncreasing',
  'BrightnessIncreasing',
  'SharpnessIncreasing',
  'ShearX',
  'ShearY',
  'TranslateXRel',
  'TranslateYRel',
] as const);

export type RandAugmentOp = (typeof RANDAUGMENT_OPS)[number];

/** Each drawn op is applied with this probability (timm's RandAugment). */
export const RANDAUGMENT_PROB = 0.5;
/** The magnitude scale: M = 10 is the strongest. */
export const MAGNITUDE_MAX = 10;
/** What geometric ops fill in where the source falls outside the image. */
export const FILL = 0.5;
/** The recipe: rand-m9-mstd0.5 with two ops. */
export const RECIPE_RANDAUGMENT: RandAugmentConfig = Object.freeze({ ops: 2, magnitude: 9, std: 0.5 });

/** An image view: `data[offset ..]` holds [channels, h, w]. */
export interface ImageView {
  readonly data: Float32Array;
  readonly offset: number;
  readonly channels: number;
  readonly h: number;
  readonly w: number;
}

const to8 = (v: number): number => Math.min(255, Math.max(0, Math.round(v * 255)));
const clamp01 = (v: number): number => Math.min(1, Math.max(0, v));

export function invert(im: ImageView): void {
  const end = im.offset + im.channels * im.h * im.w;
  for (let k = im.offset; k < end; k++) im.data[k] = 1 - im.data[k]!;
}

/** Values whose 8-bit level is at least `threshold` (0..256) are inverted. */
export function solarize(im: ImageView, threshold: number): void {
  const end = im.offset + im.channels * im.h * im.w;
  for (let k = im.offset; k < end; k++) if (to8(im.data[k]!) >= threshold) im.data[k] = 1 - im.data[k]!;
}

/** Adds `add` (8-bit levels) to values whose level is below `threshold`, clipped at 1. */
export function solarizeAdd(im: ImageView, add: number, threshold = 128): void {
  const end = im.offset + im.channels * im.h * im.w;
  for (let k = im.offset; k < end; k++) if (to8(im.data[k]!) < threshold) im.data[k] = Math.min(1, im.data[k]! + add / 255);
}

/** Keeps the top `bits` bits of each 8-bit level (8 or more: unchanged; 0: black). */
export function posterize(im: ImageView, bits: number): void {
  if (bits >= 8) return;
  const mask = (0xff << (8 - Math.max(0, bits))) & 0xff;
  const end = im.offset + im.channels * im.h * im.w;
  for (let k = im.offset; k < end; k++) im.data[k] = (to8(im.data[k]!) & mask) / 255;
}

/** Stretches each channel linearly so that its minimum becomes 0 and its maximum 1 (a flat channel is kept). */
export function autoContrast(im: ImageView): void {
  const n = im.h * im.w;
  for (let c = 0; c < im.channels; c++) {
    const from = im.offset + c * n;
    let lo = Infinity;
    let hi = -Infinity;
    for (let k = from; k < from + n; k++) {
      lo = Math.min(lo, im.data[k]!);
      hi = Math.max(hi, im.data[k]!);
    }
    if (hi <= lo) continue;
    const scale = 1 / (hi - lo);
    for (let k = from; k < from + n; k++) im.data[k] = (im.data[k]! - lo) * scale;
  }
}

/**
 * Histogram equalisation per channel on 8-bit levels, PIL's `ImageOps.equalize`: step =
 * (pixels - count of the highest level present) // 255; level i maps to (step // 2 + pixels
 * below i) // step, at most 255; a channel with one level, or step 0, is kept.
 */
export function equalize(im: ImageView): void {
  const n = im.h * im.w;
  const hist = new Int32Array(256);
  const lut = new Int32Array(256);
  for (let c = 0; c < im.channels; c++) {
    const from = im.offset + c * n;
    hist.fill(0);
    for (let k = from; k < from + n; k++) hist[to8(im.data[k]!)]!++;
    let last = 255;
    while (hist[last] === 0) last--;
    let levels = 0;
    for (let i = 0; i < 256; i++) if (hist[i]! > 0) levels++;
    const step = Math.floor((n - hist[last]!) / 255);
    if (levels <= 1 || step === 0) continue;
    let acc = Math.floor(step / 2);
    for (let i = 0; i < 256; i++) {
      lut[i] = Math.min(255, Math.floor(acc / step));
      acc += hist[i]!;
    }
    for (let k = from; k < from + n; k++) im.data[k] = lut[to8(im.data[k]!)]! / 255;
  }
}

const LUMA = [0.299, 0.587, 0.114] as const;

function luma(im: ImageView, k: number): number {
  const n = im.h * im.w;
  const at = im.offset + k;
  return im.channels === 3 ? LUMA[0] * im.data[at]! + LUMA[1] * im.data[at + n]! + LUMA[2] * im.data[at + 2 * n]! : im.data[at]!;
}

/** Brightness: blend with black, `factor` * value, clipped. */
export function brightness(im: ImageView, factor: number): void {
  const end = im.offset + im.channels * im.h * im.w;
  for (let k = im.offset; k < end; k++) im.data[k] = clamp01(factor * im.data[k]!);
}

/** Contrast: blend with the image's mean luma, clipped. */
export function contrast(im: ImageView, factor: number): void {
  const n = im.h * im.w;
  let sum = 0;
  for (let k = 0; k < n; k++) sum += luma(im, k);
  const mean = sum / n;
  const end = im.offset + im.channels * n;
  for (let k = im.offset; k < end; k++) im.data[k] = clamp01(mean + factor * (im.data[k]! - mean));
}

/** Colour (saturation): blend each pixel with its luma, clipped; nothing to do on one channel. */
export function color(im: ImageView, factor: number): void {
  if (im.channels !== 3) return;
  const n = im.h * im.w;
  for (let k = 0; k < n; k++) {
    const grey = luma(im, k);
    for (let c = 0; c < 3; c++) {
      const at = im.offset + c * n + k;
      im.data[at] = clamp01(grey + factor * (im.data[at]! - grey));
    }
  }
}

/**
 * Sharpness: blend with PIL's SMOOTH filter (3x3 kernel, centre 5, the others 1, over 13) of the
 * image, whose border pixels are the image's own; factor 0 gives the smoothed image, 2 sharpens.
 */
export function sharpness(im: ImageView, factor: number): void {
  const { h, w } = im;
  if (h < 3 || w < 3) return;
  const plane = new Float32Array(h * w);
  for (let c = 0; c < im.channels; c++) {
    const from = im.offset + c * h * w;
    plane.set(im.data.subarray(from, from + h * w));
    for (let y = 1; y < h - 1; y++) {
      for (let x = 1; x < w - 1; x++) {
        const k = y * w + x;
        let s = 4 * plane[k]!;
        for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) s += plane[k + dy * w + dx]!;
        const smooth = s / 13;
        im.data[from + k] = clamp01(smooth + factor * (plane[k]! - smooth));
      }
    }
  }
}

/**
 * Inverse affine map, PIL's `Image.transform(AFFINE, (a, b, c, d, e, f))`: output pixel centre
 * (x, y) (pixel i's centre is i + 0.5) samples the source at (a x + b y + c, d x + e y + f),
 * bilinearly between the nearest pixel centres (clamped at the border); a point outside the
 * image takes `fill`.
 */
export function affine(im: ImageView, m: readonly [number, number, number, number, number, number], fill = FILL): void {
  const { h, w, channels } = im;
  const n = h * w;
  const src = im.data.slice(im.offset, im.offset + channels * n);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const px = x + 0.5;
      const py = y + 0.5;
      const sx = m[0] * px + m[1] * py + m[2];
      const sy = m[3] * px + m[4] * py + m[5];
      const out = im.offset + y * w + x;
      if (!(sx >= 0 && sx < w && sy >= 0 && sy < h)) {
        for (let c = 0; c < channels; c++) im.data[out + c * n] = fill;
        continue;
      }
      const u = sx - 0.5;
      const v = sy - 0.5;
      const x0 = Math.floor(u);
      const y0 = Math.floor(v);
      const fx = u - x0;
      const fy = v - y0;
      const xa = Math.max(0, x0);
      const xb = Math.min(w - 1, x0 + 1);
      const ya = Math.max(0, y0);
      const yb = Math.min(h - 1, y0 + 1);
      for (let c = 0; c < channels; c++) {
        const p = c * n;
        const top = src[p + ya * w + xa]! * (1 - fx) + src[p + ya * w + xb]! * fx;
        const bottom = src[p + yb * w + xa]! * (1 - fx) + src[p + yb * w + xb]! * fx;
        im.data[out + c * n] = top * (1 - fy) + bottom * fy;
      }
    }
  }
}

/** Rotates by `degrees` counter-clockwise about the image centre, as PIL's `rotate`. */
export function rotate(im: ImageView, degrees: number, fill = FILL): void {
  const a = (-degrees * Math.PI) / 180;
  const [cos, sin] = [Math.cos(a), Math.sin(a)];
  const cx = im.w / 2;
  const cy = im.h / 2;
  affine(im, [cos, sin, cos * -cx + sin * -cy + cx, -sin, cos, -sin * -cx + cos * -cy + cy], fill);
}

export const shearX = (im: ImageView, factor: number, fill = FILL): void => affine(im, [1, factor, 0, 0, 1, 0], fill);
export const shearY = (im: ImageView, factor: number, fill = FILL): void => affine(im, [1, 0, 0, factor, 1, 0], fill);
/** Output pixel x shows source x + `pixels`: a positive shift moves the content left. */
export const translateX = (im: ImageView, pixels: number, fill = FILL): void => affine(im, [1, 0, pixels, 0, 1, 0], fill);
export const translateY = (im: ImageView, pixels: number, fill = FILL): void => affine(im, [1, 0, 0, 0, 1, pixels], fill);

const SIGNED: ReadonlySet<RandAugmentOp> = new Set<RandAugmentOp>([
  'Rotate',
  'ColorIncreasing',
  'ContrastIncreasing',
  'BrightnessIncreasing',
  'SharpnessIncreasing',
  'ShearX',
  'ShearY',
  'TranslateXRel',
  'TranslateYRel',
]);

/** One op at magnitude `m` (0..10) with `sign` (+1 or -1, used by the signed ops). */
export function applyOp(im: ImageView, op: RandAugmentOp, m: number, sign: number): void {
  const level = m / MAGNITUDE_MAX;
  const enhance = 1 + sign * level * 0.9;
  switch (op) {
    case 'AutoContrast':
      return autoContrast(im);
    case 'Equalize':
      return equalize(im);
    case 'Invert':
      return invert(im);
    case 'Rotate':
      return rotate(im, sign * level * 30);
    case 'PosterizeIncreasing':
      return posterize(im, 4 - Math.floor(level * 4));
    case 'SolarizeIncreasing':
      return solarize(im, 256 - Math.floor(level * 256));
    case 'SolarizeAdd':
      return solarizeAdd(im, Math.floor(level * 110));
    case 'ColorIncreasing':
      return color(im, enhance);
    case 'ContrastIncreasing':
      return contrast(im, enhance);
    case 'BrightnessIncreasing':
      return brightness(im, enhance);
    case 'SharpnessIncreasing':
      return sharpness(im, enhance);
    case 'ShearX':
      return shearX(im, sign * level * 0.3);
    case 'ShearY':
      return shearY(im, sign * level * 0.3);
    case 'TranslateXRel':
      return translateX(im, sign * level * 0.45 * im.w);
    case 'TranslateYRel':
      return translateY(im, sign * level * 0.45 * im.h);
  }
}

/** What one application drew: the op, whether it ran, and at which magnitude and sign. */
export interface OpDraw {
  readonly op: RandAugmentOp;
  readonly applied: boolean;
  /** The noisy magnitude, clipped to [0, 10] (NaN when not applied: nothing is drawn then). */
  readonly magnitude: number;
  readonly sign: number;
}

/** The magnitude of one application: M + STD * N(0, 1), clipped to [0, 10] (no draw when STD is 0). */
export function drawMagnitude(config: RandAugmentConfig, rng: Rng): number {
  const m = config.std > 0 ? config.magnitude + config.std * rng.normal() : config.magnitude;
  return Math.min(MAGNITUDE_MAX, Math.max(0, m));
}

/**
 * Applies RandAugment to `im` in place, drawing from `rng`: first the N ops (uniform, with
 * replacement), then for each in turn: apply? (probability 0.5); if so the magnitude noise, and
 * for signed ops the sign. Returns what was drawn.
 */
export function randAugment(im: ImageView, config: RandAugmentConfig, rng: Rng): OpDraw[] {
  const ops = Array.from({ length: config.ops }, () => RANDAUGMENT_OPS[rng.int(RANDAUGMENT_OPS.length)]!);
  return ops.map((op) => {
    if (!(rng.uniform() < RANDAUGMENT_PROB)) return { op, applied: false, magnitude: NaN, sign: 1 };
    const magnitude = drawMagnitude(config, rng);
    const sign = SIGNED.has(op) && rng.uniform() < 0.5 ? -1 : 1;
    applyOp(im, op, magnitude, sign);
    return { op, applied: true, magnitude, sign };
  });
}

/** The problem with `config`, or null when it is usable; `where` names it in the message. */
export function randAugmentProblem(config: RandAugmentConfig, where: string): string | null {
  if (!Number.isInteger(config.ops) || config.ops < 1 || config.ops > 16) return `${where}: ops must be an integer in 1..16, found ${config.ops}`;
  if (!(config.magnitude >= 0 && config.magnitude <= MAGNITUDE_MAX)) return `${where}: magnitude must be in [0, ${MAGNITUDE_MAX}], found ${config.magnitude}`;
  if (!(config.std >= 0 && Number.isFinite(config.std))) return `${where}: std must be a non-negative number, found ${config.std}`;
  return null;
}
