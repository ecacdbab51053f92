// Compile-time tests of variant(): literal overrides are checked like a hand-written spec.
import { grid, mae, type MaeSpec, variant, vitB } from '../../dsl/index.ts';

declare const base: MaeSpec;
const maeB = mae({ encoder: vitB });

export const sound = [
  variant(maeB, { mask: 0.5, decoder: { depth: 1 } }),
  variant(base, { encoder: { patch: 14 }, image: { size: 224 } }),
  variant(base, { mask: { strategy: 'grid' } }),
  grid(maeB, { 'mask.ratio': [0.5, 0.75], 'decoder.depth': [1, 8] }),
  variant(base, { augment: 'crop+jitter' }),
  grid(maeB, { augment: ['none', 'crop-fixed', 'crop', 'crop+jitter'] }),
];

export const broken = [
  // @ts-expect-error mask ratio must be > 0 and < 1, got 1.5
  variant(base, { mask: 1.5 }),
  // @ts-expect-error patch 14 does not divide image size 225 (both overridden)
  variant(base, { encoder: { patch: 14 }, image: { size: 225 } }),
  // @ts-expect-error decoder heads 16 does not divide decoder width 500
  variant(base, { decoder: { width: 500, heads: 16 } }),
  // @ts-expect-error layerNormEps must be positive, got 0
  variant(base, { layerNormEps: 0 }),
  // @ts-expect-error unknown field
  variant(base, { encoder: { patches: 14 } }),
  // @ts-expect-error unknown augmentation
  variant(base, { augment: 'colour' }),
  // @ts-expect-error unknown augmentation in a grid axis
  grid(maeB, { augment: ['none', 'blur'] }),
];
