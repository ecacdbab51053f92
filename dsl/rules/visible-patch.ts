import { numVisible } from '../derived.ts';
import { defineRule, isPositiveInt, problemOf } from './rule.ts';

/**
 * MAE005: masking leaves at least one visible patch, K = floor(L * (1 - r)) >= 1, with K
 * computed in float64 exactly as the official code does (`numVisible`). Example problem:
 * `mask.ratio: 0.999 leaves no visible patch: floor(196 * (1 - 0.999)) = 0`.
 */
export const visiblePatch = defineRule({
  code: 'MAE005',
  name: 'visible-patch',
  description: 'The mask ratio keeps at least one of the L patches visible: floor(L * (1 - r)) >= 1.',
  check(spec) {
    const { patch } = spec.encoder;
    const { size } = spec.image;
    const { ratio } = spec.mask;
    if (!isPositiveInt(patch) || !isPositiveInt(size) || size % patch !== 0 || !(ratio > 0 && ratio < 1)) return [];
    const grid = size / patch;
    const numPatches = grid * grid;
    const kept = numVisible(numPatches, ratio);
    if (kept >= 1) return [];
    return [
      problemOf(visiblePatch, 'mask.ratio', `${ratio} leaves no visible patch: floor(${numPatches} * (1 - ${ratio})) = ${kept}`),
    ];
  },
});
