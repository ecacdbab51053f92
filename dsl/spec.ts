/**
 * The resolved MAE specification: plain, JSON-serialisable data with every default filled in.
 * Two specs describe the same model exactly when they are deeply equal.
 *
 * Shapes follow ../shared/reference/MAE-SPEC.md: an image [C, size, size] is cut into
 * L = (size / patch)^2 patches; the encoder sees K = floor(L * (1 - mask.ratio)) of them.
 */

/** A Vision Transformer encoder. */
export interface VitSpec {
  readonly kind: 'vit';
  /** Patch side in pixels; the image side must be a multiple of it. */
  readonly patch: number;
  /** Token width D. */
  readonly width: number;
  /** Number of transformer blocks. */
  readonly depth: number;
  /** Attention heads; must divide width. */
  readonly heads: number;
  /** MLP hidden width = mlpRatio * width. */
  readonly mlpRatio: number;
}

/** The lightweight decoder that reconstructs pixels from visible tokens and mask tokens. */
export interface DecoderSpec {
  readonly width: number;
  readonly depth: number;
  readonly heads: number;
  readonly mlpRatio: number;
}

/**
 * How patches are hidden. `random` is the paper's default; `block` (BEiT-style blockwise)
 * and `grid` (keep one patch of every 2x2 block) are the Table 1f ablations.
 */
export type MaskStrategy = 'random' | 'block' | 'grid';

export interface MaskSpec {
  /** Fraction of patches removed, 0 < ratio < 1. */
  readonly ratio: number;
  readonly strategy: MaskStrategy;
}

/**
 * Per-image augmentation during pretraining (the paper's Table 1e). Every mode but `none` also
 * flips horizontally with p = 0.5 where the data allows it (not digits).
 * - `none`: the image resized to the model's size, nothing else;
 * - `crop-fixed`: a crop of fixed size, 7/8 of the shorter side (Resize(256) + RandomCrop(224)),
 *   at a uniform random position, resized back;
 * - `crop`: RandomResizedCrop(scale 0.2..1, ratio 3/4..4/3), the recipe and the default;
 * - `crop+jitter`: `crop`, then colour jitter: brightness and contrast factors in [0.6, 1.4]
 *   (torchvision's ColorJitter(0.4, 0.4, 0.4)), saturation too for colour images; no hue.
 */
export type PretrainAugment = 'none' | 'crop-fixed' | 'crop' | 'crop+jitter';

export interface ImageSpec {
  /** Square image side in pixels. */
  readonly size: number;
  readonly channels: number;
}

/** A complete masked-autoencoder specification. */
export interface MaeSpec {
  readonly kind: 'mae';
  readonly encoder: VitSpec;
  readonly decoder: DecoderSpec;
  readonly mask: MaskSpec;
  readonly image: ImageSpec;
  /** Regress per-patch normalised pixels (mean 0, unbiased variance 1) instead of raw pixels. */
  readonly normPixLoss: boolean;
  /** LayerNorm epsilon; 1e-6 in every official preset. */
  readonly layerNormEps: number;
  /**
   * The symmetric baseline of the paper's Table 1c: mask tokens enter the encoder, which then
   * processes all L patches. Off in MAE proper.
   */
  readonly maskTokensInEncoder: boolean;
  /** How pretraining augments its images; fine-tuning and probing have their own settings. */
  readonly augment: PretrainAugment;
}

export const MASK_STRATEGIES: readonly MaskStrategy[] = Object.freeze(['random', 'block', 'grid']);

export const PRETRAIN_AUGMENTS: readonly PretrainAugment[] = Object.freeze(['none', 'crop-fixed', 'crop', 'crop+jitter']);
