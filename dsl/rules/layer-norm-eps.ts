import { defineRule, problemOf } from './rule.ts';

/**
 * MAE008: the LayerNorm epsilon is a positive finite number (it keeps sqrt(var + eps) away from
 * zero). Example problem: `layerNormEps: must be positive, got 0`.
 */
export const positiveLayerNormEps = defineRule({
  code: 'MAE008',
  name: 'positive-layer-norm-eps',
  description: 'layerNormEps is a positive number.',
  check(spec) {
    const eps = spec.layerNormEps;
    if (Number.isFinite(eps) && eps > 0) return [];
    return [problemOf(positiveLayerNormEps, 'layerNormEps', `must be positive, got ${eps}`)];
  },
});
