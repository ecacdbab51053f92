import { defineRule, problemOf } from './rule.ts';

/**
 * MAE004: the mask ratio is a fraction strictly between 0 and 1. Example problem:
 * `mask.ratio: must be > 0 and < 1, got 1.5`.
 */
export const maskRatioInRange = defineRule({
  code: 'MAE004',
  name: 'mask-ratio-in-range',
  description: 'The mask ratio r satisfies 0 < r < 1.',
  check(spec) {
    const { ratio } = spec.mask;
    // Written so that NaN fails too.
    if (ratio > 0 && ratio < 1) return [];
    return [problemOf(maskRatioInRange, 'mask.ratio', `must be > 0 and < 1, got ${ratio}`)];
  },
});
