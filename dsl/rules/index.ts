import { decoderHeadsDivideWidth } from './decoder-heads.ts';
import { encoderHeadsDivideWidth } from './encoder-heads.ts';
import { positiveLayerNormEps } from './layer-norm-eps.ts';
import { maskRatioInRange } from './mask-ratio-range.ts';
import { mlpHiddenWidth } from './mlp-hidden-width.ts';
import { positiveMlpRatio } from './mlp-ratio.ts';
import { patchDividesSize } from './patch-divides-size.ts';
import { positiveIntegers } from './positive-integers.ts';
import type { Rule } from './rule.ts';
import { tensorElements } from './tensor-elements.ts';
import { visiblePatch } from './visible-patch.ts';
import { withinLimits } from './within-limits.ts';

/**
 * Every runtime rule, in code order. validateSpec() runs them all; the tests enumerate them.
 * Example: `RULES.map((r) => r.code)` is `['MAE001', ..., 'MAE011']`.
 */
export const RULES: readonly Rule[] = Object.freeze([
  patchDividesSize,
  encoderHeadsDivideWidth,
  decoderHeadsDivideWidth,
  maskRatioInRange,
  visiblePatch,
  positiveIntegers,
  positiveMlpRatio,
  positiveLayerNormEps,
  mlpHiddenWidth,
  withinLimits,
  tensorElements,
]);

/** MAE000: the input is not shaped like a spec (missing field, wrong type, unknown field). */
export const STRUCTURAL = 'MAE000';

export type { Rule } from './rule.ts';
export {
  patchDividesSize,
  encoderHeadsDivideWidth,
  decoderHeadsDivideWidth,
  maskRatioInRange,
  visiblePatch,
  positiveIntegers,
  positiveMlpRatio,
  positiveLayerNormEps,
  mlpHiddenWidth,
  withinLimits,
  tensorElements,
};
