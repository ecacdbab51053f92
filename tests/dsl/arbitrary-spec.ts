// Random literal MAE specs for the agreement property: valid and invalid values, written as
// TypeScript source and resolved at run time the same way.
import fc from 'fast-check';
import { resolveMae, resolveVit, validateSpec, type MaeOptions, type Problem } from '../../dsl/index.ts';

export interface Generated {
  readonly useVit: boolean;
  readonly encoder: { patch: number; width: number; depth: number; heads: number; mlpRatio: number };
  readonly decoder: { width?: number; heads?: number; depth?: number };
  readonly ratio: number | undefined;
  readonly size: number | undefined;
  readonly eps: number | undefined;
}

const positiveish = (common: readonly number[], max: number) =>
  fc.oneof(fc.constantFrom(...common), fc.integer({ min: 1, max }), fc.constantFrom(0, -4, 1.5));

const ratio = fc.oneof(
  fc.constantFrom(0.75, 0.5, 0.9, 0.99, 0.999, 0.9375, 0.96, 0.984375, 0.8, 0.6),
  fc.constantFrom(0, 1, 1.5, -0.25, 1e-7),
  fc.double({ min: 0.001, max: 0.9999, noNaN: true }).map((r) => Number(r.toFixed(4))),
);

/** Anything goes: most of these break at least one rule. */
const anySpec: fc.Arbitrary<Generated> = fc.record({
  useVit: fc.boolean(),
  encoder: fc.record({
    patch: positiveish([16, 14, 8, 4, 2, 15], 40),
    width: positiveish([768, 64, 100, 1024], 2048),
    depth: positiveish([12, 1], 32),
    heads: positiveish([12, 16, 4, 5, 3], 24),
    mlpRatio: fc.constantFrom(4, 2.5, 0, -1),
  }),
  decoder: fc.record({ width: positiveish([512, 100, 128], 1024), heads: positiveish([16, 8, 5], 32), depth: positiveish([8], 12) }, { requiredKeys: [] }),
  ratio: fc.option(ratio, { nil: undefined }),
  size: fc.option(fc.oneof(fc.constantFrom(224, 32, 16, 100352, 225, 96, 8), fc.integer({ min: 0, max: 1200 })), { nil: undefined }),
  eps: fc.option(fc.constantFrom(1e-6, 0, 1e-12, -1), { nil: undefined }),
});

/** Sizes, widths and heads built to divide, so most of these are sound (ratios near 1 may not be). */
const coherentSpec: fc.Arbitrary<Generated> = fc
  .record({
    useVit: fc.boolean(),
    patch: fc.integer({ min: 1, max: 32 }),
    grid: fc.integer({ min: 1, max: 40 }),
    heads: fc.integer({ min: 1, max: 16 }),
    headDim: fc.integer({ min: 1, max: 128 }),
    depth: fc.integer({ min: 1, max: 24 }),
    decoderHeads: fc.integer({ min: 1, max: 16 }),
    decoderHeadDim: fc.integer({ min: 1, max: 64 }),
    ratio: fc.option(ratio, { nil: undefined }),
  })
  .map((c) => ({
    useVit: c.useVit,
    encoder: { patch: c.patch, width: c.heads * c.headDim, depth: c.depth, heads: c.heads, mlpRatio: 4 },
    decoder: { width: c.decoderHeads * c.decoderHeadDim, heads: c.decoderHeads },
    ratio: c.ratio,
    size: c.patch * c.grid,
    eps: undefined,
  }));

export const generated: fc.Arbitrary<Generated> = fc.oneof(anySpec, coherentSpec);

export function source(g: Generated): string {
  const e = g.encoder;
  const encoder = g.useVit
    ? `vit({ patch: ${e.patch}, width: ${e.width}, depth: ${e.depth}, heads: ${e.heads}, mlpRatio: ${e.mlpRatio} })`
    : `{ kind: 'vit', patch: ${e.patch}, width: ${e.width}, depth: ${e.depth}, heads: ${e.heads}, mlpRatio: ${e.mlpRatio} }`;
  const parts = [`encoder: ${encoder}`];
  const decoder = Object.entries(g.decoder).map(([k, v]) => `${k}: ${v}`);
  if (decoder.length > 0) parts.push(`decoder: { ${decoder.join(', ')} }`);
  if (g.ratio !== undefined) parts.push(`mask: { ratio: ${g.ratio} }`);
  if (g.size !== undefined) parts.push(`image: { size: ${g.size} }`);
  if (g.eps !== undefined) parts.push(`layerNormEps: ${g.eps}`);
  return `mae({ ${parts.join(', ')} })`;
}

export function runtimeProblems(g: Generated): readonly Problem[] {
  const options: MaeOptions = {
    encoder: resolveVit(g.encoder),
    decoder: g.decoder,
    ...(g.ratio === undefined ? {} : { mask: g.ratio }),
    ...(g.size === undefined ? {} : { image: { size: g.size } }),
    ...(g.eps === undefined ? {} : { layerNormEps: g.eps }),
  };
  return validateSpec(resolveMae(options));
}

/** Where exact arithmetic cannot promise float64's verdict on K, so the type level accepts. */
export function inFloatZone(g: Generated): boolean {
  const r = String(g.ratio ?? 0.75);
  const size = g.size ?? 224;
  if (!r.startsWith('0.')) return r.includes('e-');
  const grid = BigInt(size / g.encoder.patch);
  const patches = grid * grid;
  const fraction = r.slice(2);
  const scale = 10n ** BigInt(fraction.length);
  return patches * (scale - BigInt(fraction)) === scale || String(patches).length + fraction.length > 15;
}

