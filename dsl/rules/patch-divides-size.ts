import { defineRule, isPositiveInt, problemOf } from './rule.ts';

/**
 * MAE001: the image side must be a multiple of the patch, so that the image cuts into
 * g = size / patch patches per side. Example problem:
 * `encoder.patch: 15 does not divide image size 224`.
 */
export const patchDividesSize = defineRule({
  code: 'MAE001',
  name: 'patch-divides-size',
  description: 'The image size is a multiple of the encoder patch size.',
  check(spec) {
    const { patch } = spec.encoder;
    const { size } = spec.image;
    if (!isPositiveInt(patch) || !isPositiveInt(size) || size % patch === 0) return [];
    return [problemOf(patchDividesSize, 'encoder.patch', `${patch} does not divide image size ${size}`)];
  },
});
