import type { MaeSpec } from './spec.ts';

/** Quantities every stage derives from a spec, computed in one place. */
export interface Derived {
  /** Patches per image side, g = size / patch. */
  readonly grid: number;
  /** Number of patches L = g * g. */
  readonly numPatches: number;
  /** Visible patches K = floor(L * (1 - ratio)). */
  readonly numVisible: number;
  /** Values per patch p * p * C. */
  readonly patchDim: number;
  readonly encoderHeadDim: number;
  readonly decoderHeadDim: number;
  /** MLP hidden widths: int(width * mlpRatio), as timm computes them. */
  readonly encoderMlpHidden: number;
  readonly decoderMlpHidden: number;
}

/**
 * K = floor(L * (1 - r)), computed the way the official code does (`int(L * (1 - mask_ratio))`
 * in float64), so K matches it even where L * (1 - r) lands a hair below an integer.
 */
export function numVisible(numPatches: number, ratio: number): number {
  return Math.floor(numPatches * (1 - ratio));
}

/**
 * The MLP hidden width of a block, int(width * mlpRatio) as timm computes it (truncation; for
 * the positive values a valid spec holds, the floor). Example: `mlpHidden(768, 4)` is 3072.
 */
export function mlpHidden(width: number, mlpRatio: number): number {
  return Math.floor(width * mlpRatio);
}

export function derive(spec: MaeSpec): Derived {
  const grid = spec.image.size / spec.encoder.patch;
  const numPatches = grid * grid;
  return {
    grid,
    numPatches,
    numVisible: numVisible(numPatches, spec.mask.ratio),
    patchDim: spec.encoder.patch * spec.encoder.patch * spec.image.channels,
    encoderHeadDim: spec.encoder.width / spec.encoder.heads,
    decoderHeadDim: spec.decoder.width / spec.decoder.heads,
    encoderMlpHidden: mlpHidden(spec.encoder.width, spec.encoder.mlpRatio),
    decoderMlpHidden: mlpHidden(spec.decoder.width, spec.decoder.mlpRatio),
  };
}
