// Compile-time tests of the type-level shape checks: `npx tsc -p .` fails if a sound spec is
// rejected, or if a broken one is accepted (an unused @ts-expect-error is itself an error).
import { mae, vit, vitB, vitH, vitL, vitSmall, vitTiny } from '../../dsl/index.ts';

// Presets keep their literal types, so they are checked against the rest of the spec.
export const official = [
  mae({ encoder: vitB }),
  mae({ encoder: vitL, decoder: { depth: 8 }, mask: 0.75 }),
  mae({ encoder: vitH, decoder: { width: 512, depth: 8, heads: 16 }, mask: { ratio: 0.75, strategy: 'random' } }),
  mae({ encoder: vitTiny, image: { size: 32 }, mask: { ratio: 0.5, strategy: 'block' } }),
  mae({ encoder: vitSmall, image: { size: 96, channels: 1 }, normPixLoss: false, layerNormEps: 1e-5 }),
  mae({ encoder: vitB, augment: 'none' }),
  mae({ encoder: vitB, augment: 'crop-fixed' }),
  mae({ encoder: vitB, augment: 'crop+jitter' }),
];

// MAE001: patch divides image size (default 224), exact up to and beyond a million.
export const mae001 = [
  mae({ encoder: vit({ patch: 14, width: 64, depth: 1, heads: 4 }), image: { size: 100352 } }),
  mae({ encoder: vit({ patch: 7, width: 64, depth: 1, heads: 4 }), image: { size: 1000006 }, mask: 0.5 }),
  mae({ encoder: vit({ patch: 1000, width: 64, depth: 1, heads: 4 }), image: { size: 9000000 } }),
  // @ts-expect-error patch 15 does not divide image size 100352
  mae({ encoder: vit({ patch: 15, width: 64, depth: 1, heads: 4 }), image: { size: 100352 } }),
  // @ts-expect-error patch 7 does not divide image size 1000005
  mae({ encoder: vit({ patch: 7, width: 64, depth: 1, heads: 4 }), image: { size: 1000005 } }),
  // @ts-expect-error patch 16 does not divide image size 225
  mae({ encoder: vitB, image: { size: 225 } }),
  // @ts-expect-error patch 13 does not divide image size 224 (the default)
  mae({ encoder: vit({ patch: 13, width: 64, depth: 1, heads: 4 }) }),
];

// MAE002: encoder heads divide encoder width, in vit() and in a hand-written encoder.
export const mae002 = [
  vit({ patch: 16, width: 1000002, depth: 1, heads: 3 }),
  // @ts-expect-error heads 5 does not divide width 768
  vit({ patch: 16, width: 768, depth: 12, heads: 5 }),
  // @ts-expect-error heads 7 does not divide width 1000000
  vit({ patch: 16, width: 1000000, depth: 12, heads: 7 }),
  // @ts-expect-error heads 5 does not divide width 768
  mae({ encoder: { kind: 'vit', patch: 16, width: 768, depth: 12, heads: 5, mlpRatio: 4 } }),
];

// MAE003: decoder heads divide decoder width (defaults 512 / 16).
export const mae003 = [
  mae({ encoder: vitB, decoder: { width: 768, heads: 12 } }),
  mae({ encoder: vitB, decoder: { width: 128 } }),
  // @ts-expect-error decoder heads 16 (default) do not divide decoder width 100
  mae({ encoder: vitB, decoder: { width: 100 } }),
  // @ts-expect-error decoder heads 5 do not divide decoder width 512 (default)
  mae({ encoder: vitB, decoder: { heads: 5 } }),
];

// MAE004: 0 < mask ratio < 1.
export const mae004 = [
  mae({ encoder: vitB, mask: 0.01 }),
  mae({ encoder: vitB, mask: 1e-7 }),
  // @ts-expect-error mask ratio must be > 0 and < 1, got 0
  mae({ encoder: vitB, mask: 0 }),
  // @ts-expect-error mask ratio must be > 0 and < 1, got 1
  mae({ encoder: vitB, mask: { ratio: 1 } }),
  // @ts-expect-error mask ratio must be > 0 and < 1, got -0.5
  mae({ encoder: vitB, mask: -0.5 }),
  // @ts-expect-error mask ratio must be > 0 and < 1, got 1.5
  mae({ encoder: vitB, mask: { ratio: 1.5, strategy: 'grid' } }),
];

// MAE005: at least one visible patch, K = floor(L * (1 - r)) >= 1.
export const mae005 = [
  mae({ encoder: vitB, mask: 0.99 }), // L = 196, K = 1
  mae({ encoder: vit({ patch: 16, width: 64, depth: 1, heads: 4 }), image: { size: 32 }, mask: 0.7 }), // L = 4, K = 1
  // L = 4, r = 0.75: L * (1 - r) is exactly 1, where the type level steps aside (float64 gives K = 1 here).
  mae({ encoder: vit({ patch: 16, width: 64, depth: 1, heads: 4 }), image: { size: 32 }, mask: 0.75 }),
  // @ts-expect-error mask ratio 0.999 leaves no visible patch of 196
  mae({ encoder: vitB, mask: 0.999 }),
  // @ts-expect-error mask ratio 0.8 leaves no visible patch of 4: floor(0.8) = 0
  mae({ encoder: vit({ patch: 16, width: 64, depth: 1, heads: 4 }), image: { size: 32 }, mask: 0.8 }),
  // @ts-expect-error L = 1 keeps nothing at the default ratio 0.75 (reported at the size)
  mae({ encoder: vitB, image: { size: 16 } }),
];

// MAE006: sizes, depths, head counts, channels, widths and patches are positive integers.
export const mae006 = [
  // @ts-expect-error patch must be a positive integer, got 0
  vit({ patch: 0, width: 64, depth: 1, heads: 4 }),
  // @ts-expect-error depth must be a positive integer, got 1.5
  vit({ patch: 16, width: 64, depth: 1.5, heads: 4 }),
  // @ts-expect-error heads must be a positive integer, got -4
  vit({ patch: 16, width: 64, depth: 1, heads: -4 }),
  // @ts-expect-error decoder depth must be a positive integer, got 0
  mae({ encoder: vitB, decoder: { depth: 0 } }),
  // @ts-expect-error image channels must be a positive integer, got 2.5
  mae({ encoder: vitB, image: { channels: 2.5 } }),
  // @ts-expect-error image size must be a positive integer, got 9007199254740992 (beyond 2^53 - 1)
  mae({ encoder: vitB, image: { size: 9007199254740992 } }),
];

// MAE007 and MAE008: mlpRatio and layerNormEps are positive.
export const mae007and008 = [
  vit({ patch: 16, width: 64, depth: 1, heads: 4, mlpRatio: 2.5 }),
  mae({ encoder: vitB, layerNormEps: 1e-12 }),
  // @ts-expect-error mlpRatio must be a positive number, got 0
  vit({ patch: 16, width: 64, depth: 1, heads: 4, mlpRatio: 0 }),
  // @ts-expect-error decoder mlpRatio must be a positive number, got -2
  mae({ encoder: vitB, decoder: { mlpRatio: -2 } }),
  // @ts-expect-error layerNormEps must be positive, got 0
  mae({ encoder: vitB, layerNormEps: 0 }),
];

// Plain numbers step aside: the runtime rules decide.
declare const n: number;
export const unknownValues = [mae({ encoder: vit({ patch: n, width: n, depth: n, heads: n }), image: { size: n }, mask: n, layerNormEps: n })];

// Structure is still checked by the ordinary types.
export const structure = [
  // @ts-expect-error unknown strategy
  mae({ encoder: vitB, mask: { ratio: 0.5, strategy: 'checkerboard' } }),
  // @ts-expect-error size must be a number
  mae({ encoder: vitB, image: { size: '224' } }),
  // @ts-expect-error unknown augmentation: the data pipeline's 'pretrain' is not a spec value
  mae({ encoder: vitB, augment: 'pretrain' }),
  // @ts-expect-error unknown augmentation
  mae({ encoder: vitB, augment: 'jitter' }),
];
