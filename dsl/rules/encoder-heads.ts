import { defineRule, isPositiveInt, problemOf } from './rule.ts';

/**
 * MAE002: the encoder's heads split its width evenly (head dim = width / heads). Example
 * problem: `encoder.heads: 5 does not divide width 768`.
 */
export const encoderHeadsDivideWidth = defineRule({
  code: 'MAE002',
  name: 'encoder-heads-divide-width',
  description: 'The encoder width is a multiple of the encoder head count.',
  check(spec) {
    const { width, heads } = spec.encoder;
    if (!isPositiveInt(width) || !isPositiveInt(heads) || width % heads === 0) return [];
    return [problemOf(encoderHeadsDivideWidth, 'encoder.heads', `${heads} does not divide width ${width}`)];
  },
});
