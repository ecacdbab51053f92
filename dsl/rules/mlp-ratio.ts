import { defineRule, problemOf } from './rule.ts';

/**
 * MAE007: the MLP ratios of encoder and decoder are positive finite numbers (hidden width =
 * floor(width * mlpRatio)). Example problem: `encoder.mlpRatio: must be a positive number, got 0`.
 */
export const positiveMlpRatio = defineRule({
  code: 'MAE007',
  name: 'positive-mlp-ratio',
  description: 'The encoder and decoder mlpRatio are positive numbers.',
  check(spec) {
    const fields = [
      ['encoder.mlpRatio', spec.encoder.mlpRatio],
      ['decoder.mlpRatio', spec.decoder.mlpRatio],
    ] as const;
    return fields.flatMap(([path, value]) =>
      Number.isFinite(value) && value > 0 ? [] : [problemOf(positiveMlpRatio, path, `must be a positive number, got ${value}`)],
    );
  },
});
