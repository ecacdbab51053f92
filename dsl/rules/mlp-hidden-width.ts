import { mlpHidden } from '../derived.ts';
import { LIMITS } from '../limits.ts';
import { defineRule, isPositiveInt, problemOf } from './rule.ts';

/**
 * MAE009: the MLP of every block has a hidden layer the backends can hold: floor(width *
 * mlpRatio), computed as derive() does, is a finite integer from 1 to LIMITS.mlpHidden (65536),
 * for the encoder and the decoder. A ratio that is positive but tiny (0.001) gives width 0 and
 * a reshape that fails in training; a huge one (1e308) gives Infinity parameters. Silent where
 * MAE006, MAE007 or MAE010 already reports the width or the ratio. Example problem:
 * `encoder.mlpRatio: expected an MLP hidden width floor(width * mlpRatio) from 1 to 65536, got floor(768 * 0.001) = 0`.
 */
export const mlpHiddenWidth = defineRule({
  code: 'MAE009',
  name: 'mlp-hidden-width',
  description: `The encoder and decoder MLP hidden widths, floor(width * mlpRatio), are integers from 1 to ${LIMITS.mlpHidden}.`,
  check(spec) {
    const parts = [
      ['encoder.mlpRatio', spec.encoder.width, spec.encoder.mlpRatio],
      ['decoder.mlpRatio', spec.decoder.width, spec.decoder.mlpRatio],
    ] as const;
    return parts.flatMap(([path, width, ratio]) => {
      if (!isPositiveInt(width) || width > LIMITS.width || !(Number.isFinite(ratio) && ratio > 0)) return [];
      const hidden = mlpHidden(width, ratio);
      // Written so that Infinity and NaN fail too.
      if (hidden >= 1 && hidden <= LIMITS.mlpHidden) return [];
      return [
        problemOf(mlpHiddenWidth, path, `expected an MLP hidden width floor(width * mlpRatio) from 1 to ${LIMITS.mlpHidden}, got floor(${width} * ${ratio}) = ${hidden}`),
      ];
    });
  },
});
