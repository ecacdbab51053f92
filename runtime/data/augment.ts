/**
 * MAE pretraining augmentation, per image: RandomResizedCrop then a horizontal flip, drawn from a
 * seeded Rng. The crop-box sampling follows torchvision's `RandomResizedCrop.get_params`.
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
function roundHalfEven(x: number): number {
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

/** Where an image lands in the output and how. */
export interface AugmentTarget {
  readonly dst: Float32Array;
  readonly offset: number;
  readonly size: number;
}

/**
 * Augments one [channels, h, w] image in [0, 1] into `target` ([channels, size, size] at
 * `offset`). Draws from `rng` only what `augment` needs. Returns the box and flip used.
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
): { box: Box; flip: boolean } {
  const cropping = augment === 'pretrain' || augment === 'crop';
  const box = cropping ? sampleResizedCrop(rng, h, w) : { top: 0, left: 0, height: h, width: w };
  const flipping = allowFlip && (augment === 'pretrain' || augment === 'flip');
  const flip = flipping && rng.uniform() < 0.5;
  resampleBox(src, channels, h, w, box, target.size, target.size, flip, target.dst, target.offset);
  return { box, flip };
}
