import { defineRule, isPositiveInt, problemOf } from './rule.ts';

/**
 * MAE003: the decoder's heads split its width evenly (defaults 512 / 16). Example problem:
 * `decoder.heads: 5 does not divide width 512`.
 */
export const decoderHeadsDivideWidth = defineRule({
  code: 'MAE003',
  name: 'decoder-heads-divide-width',
  description: 'The decoder width is a multiple of the decoder head count.',
  check(spec) {
    const { width, heads } = spec.decoder;
    if (!isPositiveInt(width) || !isPositiveInt(heads) || width % heads === 0) return [];
    return [problemOf(decoderHeadsDivideWidth, 'decoder.heads', `${heads} does not divide width ${width}`)];
  },
});
