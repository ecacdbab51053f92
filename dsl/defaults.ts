/** Defaults of the official MAE recipe (../shared/reference/MAE-SPEC.md). */
export const DEFAULTS = Object.freeze({
  mlpRatio: 4,
  decoder: Object.freeze({ width: 512, depth: 8, heads: 16, mlpRatio: 4 }),
  mask: Object.freeze({ ratio: 0.75, strategy: 'random' as const }),
  image: Object.freeze({ size: 224, channels: 3 }),
  normPixLoss: true,
  // Official presets pass eps=1e-6 explicitly; PyTorch's bare LayerNorm default (1e-5) is never used.
  layerNormEps: 1e-6,
  maskTokensInEncoder: false,
  // RandomResizedCrop(0.2..1) + flip: the recipe, and what every run before the option did.
  augment: 'crop' as const,
});
