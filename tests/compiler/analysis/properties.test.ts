import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { buildGraph, checkShapes, countParams } from '../../../compiler/index.ts';
import { resolveMae, vit, type MaeSpec } from '../../../dsl/index.ts';

/**
 * Random valid specs: every divisibility holds by construction (size = patch * grid,
 * width = heads * headDim), and the ratio keeps 1 <= K < L.
 */
const validSpec: fc.Arbitrary<MaeSpec> = fc
  .record({
    patch: fc.integer({ min: 1, max: 6 }),
    grid: fc.integer({ min: 2, max: 5 }),
    channels: fc.integer({ min: 1, max: 3 }),
    heads: fc.integer({ min: 1, max: 4 }),
    headDim: fc.integer({ min: 1, max: 8 }),
    depth: fc.integer({ min: 1, max: 3 }),
    mlpRatio: fc.constantFrom(1, 2, 4),
    dHeads: fc.integer({ min: 1, max: 4 }),
    dHeadDim: fc.integer({ min: 1, max: 8 }),
    dDepth: fc.integer({ min: 1, max: 3 }),
    dMlpRatio: fc.constantFrom(1, 2, 4),
    keepFraction: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
  })
  .map((r) => {
    const L = r.grid * r.grid;
    const keep = 1 + Math.floor(r.keepFraction * (L - 1)); // 1 .. L-1
    return resolveMae({
      encoder: vit({ patch: r.patch, width: r.heads * r.headDim, depth: r.depth, heads: r.heads, mlpRatio: r.mlpRatio }),
      decoder: { width: r.dHeads * r.dHeadDim, depth: r.dDepth, heads: r.dHeads, mlpRatio: r.dMlpRatio },
      // A ratio in the middle of the interval that yields exactly K = keep.
      mask: (L - keep - 0.5) / L,
      image: { size: r.patch * r.grid, channels: r.channels },
    });
  });

/** Parameters of one pre-norm block of width d and MLP hidden width h: 2 norms, qkv, proj, fc1, fc2. */
const blockParams = (d: number, h: number) => 2 * d + (3 * d * d + 3 * d) + (d * d + d) + 2 * d + (d * h + h) + (h * d + d);

/** The architecture's closed form (MAE-SPEC.md), trainable parameters only. */
function closedForm(spec: MaeSpec): { encoder: number; decoder: number } {
  const { patch: p, width: d, depth, mlpRatio } = spec.encoder;
  const { width: dd, depth: ddepth, mlpRatio: dRatio } = spec.decoder;
  const patchDim = p * p * spec.image.channels;
  const encoder = (patchDim * d + d) + d + depth * blockParams(d, Math.floor(d * mlpRatio)) + 2 * d;
  const decoder = (d * dd + dd) + dd + ddepth * blockParams(dd, Math.floor(dd * dRatio)) + 2 * dd + (dd * patchDim + patchDim);
  return { encoder, decoder };
}

test('buildGraph never throws on a valid spec and its graphs pass checkShapes', () => {
  fc.assert(
    fc.property(validSpec, (spec) => {
      for (const kind of ['pretrain', 'symmetric', 'encoder'] as const) assert.deepEqual(checkShapes(buildGraph(spec, kind)), []);
    }),
    { numRuns: 60 },
  );
});

test('parameter counts from the IR equal the closed-form count', () => {
  fc.assert(
    fc.property(validSpec, (spec) => {
      const counts = countParams(buildGraph(spec));
      const expected = closedForm(spec);
      assert.equal(counts.encoder, expected.encoder);
      assert.equal(counts.decoder, expected.decoder);
      const L = (spec.image.size / spec.encoder.patch) ** 2;
      assert.equal(counts.frozen, (1 + L) * (spec.encoder.width + spec.decoder.width));
    }),
    { numRuns: 100 },
  );
});

test('the generated mask ratios keep between 1 and L - 1 patches visible', () => {
  fc.assert(
    fc.property(validSpec, (spec) => {
      const graph = buildGraph(spec);
      assert.ok(graph.meta.numVisible >= 1 && graph.meta.numVisible < graph.meta.numPatches);
    }),
    { numRuns: 60 },
  );
});
