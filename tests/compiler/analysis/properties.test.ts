import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { buildGraph, checkShapes, countParams, formatShape, type Dim, type Graph, type Node } from '../../../compiler/index.ts';
import { resolveMae, vit, type MaeSpec } from '../../../dsl/index.ts';

/**
 * Random valid specs: every divisibility holds by construction (size = patch * grid,
 * width = heads * headDim), and the ratio keeps 1 <= K < L. Each case carries the grid and
 * the K it was made for, so tests can compare the graph with them.
 */
const validCase: fc.Arbitrary<{ spec: MaeSpec; grid: number; keep: number }> = fc
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
    const spec = resolveMae({
      encoder: vit({ patch: r.patch, width: r.heads * r.headDim, depth: r.depth, heads: r.heads, mlpRatio: r.mlpRatio }),
      decoder: { width: r.dHeads * r.dHeadDim, depth: r.dDepth, heads: r.dHeads, mlpRatio: r.dMlpRatio },
      // A ratio in the middle of the interval that yields exactly K = keep.
      mask: (L - keep - 0.5) / L,
      image: { size: r.patch * r.grid, channels: r.channels },
    });
    return { spec, grid: r.grid, keep };
  });

const validSpec: fc.Arbitrary<MaeSpec> = validCase.map((c) => c.spec);

const KINDS = ['pretrain', 'symmetric', 'encoder'] as const;

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

test('buildGraph builds every graph kind of a valid spec without a shape rule failing', () => {
  // The builder throws IrError at the first node whose shape rule fails (a width wired wrongly).
  fc.assert(
    fc.property(validSpec, (spec) => {
      for (const kind of KINDS) buildGraph(spec, kind);
    }),
    { numRuns: 60 },
  );
});

/** `dim` replaced by a different dimension: a fixed size grows by `delta`, the batch becomes `delta`. */
const otherDim = (dim: Dim, delta: number): Dim => (dim === 'N' ? delta : dim + delta);
const typeText = (shape: Node['shape'], dtype: Node['dtype']) => (dtype === 'float32' ? formatShape(shape) : `${formatShape(shape)} ${dtype}`);

test('checkShapes reports a builder graph with one declared dimension changed, at that node and only there', () => {
  // Input nodes declare their own type (there is nothing to re-infer them from) and the
  // scalar loss has no dimension to change, so every other node is a candidate.
  fc.assert(
    fc.property(validSpec, fc.constantFrom(...KINDS), fc.nat(), fc.nat(), fc.integer({ min: 1, max: 7 }), (spec, kind, pick, axis, delta) => {
      const graph = buildGraph(spec, kind);
      const candidates = graph.nodes.filter((n) => n.op.kind !== 'input' && n.shape.length > 0);
      const target = candidates[pick % candidates.length]!;
      const i = axis % target.shape.length;
      const shape = target.shape.map((d, j) => (j === i ? otherDim(d, delta) : d));
      const mutated: Graph = { ...graph, nodes: graph.nodes.map((n) => (n === target ? { ...n, shape } : n)) };
      assert.deepEqual(checkShapes(mutated), [
        { code: 'IR001', node: target.id, message: `declared ${typeText(shape, target.dtype)}, inferred ${typeText(target.shape, target.dtype)}` },
      ]);
    }),
    { numRuns: 200 },
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

test('a graph made for grid g and K visible patches records L = g*g and that K', () => {
  fc.assert(
    fc.property(validCase, ({ spec, grid, keep }) => {
      const graph = buildGraph(spec);
      assert.equal(graph.meta.numPatches, grid * grid);
      assert.equal(graph.meta.numVisible, keep);
      assert.equal(buildGraph(spec, 'encoder').meta.numVisible, grid * grid);
    }),
    { numRuns: 60 },
  );
});
