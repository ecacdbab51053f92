// Hostile specs end to end: whatever decodeSpec is given, it never throws, every problem names a
// field, and every spec it accepts builds a pretraining graph that passes checkShapes and can
// run (positive sizes, no tensor over 2^31 - 1 elements), quickly.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { buildGraph, checkShapes, type Graph } from '../../compiler/index.ts';
import { decodeSpec, LIMITS } from '../../dsl/index.ts';
import { generated, type Generated } from '../dsl/arbitrary-spec.ts';

/** Numbers a spec field can be sent: ordinary values, edges of every rule, and absurd ones. */
const EDGES = [
  0, -0, -1, 0.5, 1.5, 1e-308, Number.MIN_VALUE, 1e308, Number.MAX_VALUE, Infinity, -Infinity, Number.NaN,
  Number.MAX_SAFE_INTEGER, 2 ** 53, 2 ** 31, 1e6, LIMITS.depth, LIMITS.depth + 1, LIMITS.width, LIMITS.width + 1,
  LIMITS.imageSize, LIMITS.imageSize + 1, LIMITS.heads + 1, 0.001, 1e-7, 0.999, 0.9999999,
];

const WRONG_TYPES = fc.constantFrom<unknown>('16', '', null, true, [], {}, [16], { value: 16 });

/** A field value: mostly the given common ones, sometimes anything. */
const field = (...common: number[]): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...common) },
    { weight: 3, arbitrary: fc.integer({ min: 1, max: 48 }) },
    { weight: 2, arbitrary: fc.constantFrom(...EDGES) },
    { weight: 1, arbitrary: fc.double() },
    { weight: 1, arbitrary: WRONG_TYPES },
  );

/** Keys no spec has: empty, with dots and brackets, misspelt, or inherited from Object.prototype. */
const STRAY_KEYS = fc.constantFrom('', ' ', '.', 'a.b', '[""]', 'depht', '__proto__', 'constructor', 'toString', '0');

const MISSING = Symbol('missing');

/** An object with the given fields, each left out one time in ten, maybe with one stray key added. */
function part(fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<Record<string, unknown>> {
  const present = Object.fromEntries(Object.entries(fields).map(([k, a]) => [k, fc.option(a, { freq: 10, nil: MISSING })]));
  return fc.tuple(fc.record(present), fc.option(fc.tuple(STRAY_KEYS, fc.jsonValue({ maxDepth: 1 })), { freq: 8 })).map(([r, stray]) => {
    const out: Record<string, unknown> = Object.fromEntries(Object.entries(r).filter(([, v]) => v !== MISSING));
    // defineProperty, so that a stray `__proto__` becomes an own key as JSON.parse makes it.
    if (stray) Object.defineProperty(out, stray[0], { value: stray[1], enumerable: true, writable: true, configurable: true });
    return out;
  });
}

/** Whether a NaN was sent anywhere in the input: only then may a problem say `got NaN`. */
function hasNaN(value: unknown): boolean {
  if (typeof value === 'number') return Number.isNaN(value);
  return typeof value === 'object' && value !== null && Object.values(value).some(hasNaN);
}

const hostile: fc.Arbitrary<Record<string, unknown>> = part({
  kind: fc.oneof({ weight: 4, arbitrary: fc.constant('mae') }, { weight: 1, arbitrary: fc.constantFrom('vit', 1, null) }),
  encoder: fc.oneof(
    { weight: 9, arbitrary: part({ kind: fc.constant('vit'), patch: field(16, 14, 8, 4, 2), width: field(768, 64, 192, 96), depth: field(12, 4, 1, 2), heads: field(12, 4, 3, 1), mlpRatio: field(4, 2, 0.5) }) },
    { weight: 1, arbitrary: WRONG_TYPES },
  ),
  decoder: part({ width: field(512, 64, 128), depth: field(8, 1, 2), heads: field(16, 4, 1), mlpRatio: field(4, 2) }),
  mask: fc.oneof(field(0.75, 0.5, 0.9), part({ ratio: field(0.75, 0.5), strategy: fc.constantFrom<unknown>('random', 'block', 'grid', 'checkerboard', 3) })),
  image: part({ size: field(224, 32, 28, 16, 64), channels: field(3, 1) }),
  normPixLoss: fc.constantFrom<unknown>(true, false, 'yes', 1),
  layerNormEps: field(1e-6, 1e-5),
  maskTokensInEncoder: fc.constantFrom<unknown>(false, true, 0),
  augment: fc.constantFrom<unknown>('none', 'crop', 'crop-fixed', 'crop+jitter', 'jitter', null),
});

/** The agreement property's literal specs (dsl/arbitrary-spec.ts), as plain input: most of them coherent. */
const literal: fc.Arbitrary<Record<string, unknown>> = generated.map((g: Generated) => ({
  encoder: { ...g.encoder },
  decoder: { ...g.decoder },
  ...(g.ratio === undefined ? {} : { mask: g.ratio }),
  ...(g.size === undefined ? {} : { image: { size: g.size } }),
  ...(g.eps === undefined ? {} : { layerNormEps: g.eps }),
}));

/** Sound specs near the maxima, so the largest graphs the rules let through are built too. */
const large: fc.Arbitrary<Record<string, unknown>> = fc
  .record({
    heads: fc.constantFrom(1, 16, LIMITS.heads),
    headDim: fc.constantFrom(1, 64),
    depth: fc.constantFrom(1, 64, LIMITS.depth),
    patch: fc.constantFrom(16, 32, 64),
    size: fc.constantFrom(256, 512, LIMITS.imageSize),
  })
  .map((c) => ({
    encoder: { patch: c.patch, width: c.heads * c.headDim, depth: c.depth, heads: c.heads },
    decoder: { width: c.heads * c.headDim, depth: c.depth, heads: c.heads },
    image: { size: c.size },
  }));

/** A sound spec with one number replaced by an edge value: each rule's boundary, one at a time. */
const SOUND = { encoder: { patch: 4, width: 64, depth: 2, heads: 4, mlpRatio: 4 }, decoder: { width: 32, depth: 1, heads: 4, mlpRatio: 4 }, image: { size: 32, channels: 3 } };
const oneEdge: fc.Arbitrary<Record<string, unknown>> = fc
  .tuple(fc.constantFrom(...(['encoder', 'decoder', 'image'] as const)), fc.constantFrom(...EDGES))
  .chain(([part, value]) => fc.constantFrom(...Object.keys(SOUND[part])).map((key) => ({ ...SOUND, [part]: { ...SOUND[part], [key]: value } })));

const anySpec = fc.oneof({ weight: 6, arbitrary: hostile }, { weight: 3, arbitrary: literal }, { weight: 1, arbitrary: large }, { weight: 2, arbitrary: oneEdge });

/**
 * What lets a graph run: every size a positive safe integer, and no tensor (a parameter, a node's
 * one-image slice, an attention's one-image probabilities) over LIMITS.tensorElements.
 */
function runnable(graph: Graph): string | undefined {
  const fits = (dims: readonly number[]) => dims.every((d) => Number.isSafeInteger(d) && d >= 1) && dims.reduce((a, b) => a * b, 1) <= LIMITS.tensorElements;
  for (const p of graph.params) if (!fits(p.shape)) return `parameter ${p.name} [${p.shape.join(', ')}]`;
  for (const node of graph.nodes) {
    const dims = node.shape.filter((d): d is number => d !== 'N');
    if (!fits(dims)) return `node ${node.id} [${node.shape.join(', ')}]`;
    if (node.op.kind === 'attention' && !fits([node.op.heads, dims[0]!, dims[0]!])) return `attention ${node.id} with ${node.op.heads} heads`;
  }
  return undefined;
}

test('10,000 hostile specs: decodeSpec never throws, every problem names a field, every accepted spec builds, passes checkShapes and can run', { timeout: 180_000 }, (t) => {
  const start = performance.now();
  let accepted = 0;
  let nodes = 0;
  fc.assert(
    fc.property(anySpec, (input) => {
      const result = decodeSpec(input);
      if (E.isLeft(result)) {
        assert.ok(result.left.length > 0);
        for (const p of result.left) {
          assert.ok(p.path !== '', `a problem without a field path: ${JSON.stringify(p)} for ${String(JSON.stringify(input))}`);
          assert.match(p.code, /^MAE0\d\d$/);
          assert.ok(!p.message.includes('NaN') || hasNaN(input), `a NaN nobody sent: ${p.message}`);
        }
        return;
      }
      accepted += 1;
      const graph = buildGraph(result.right, 'pretrain');
      nodes += graph.nodes.length;
      assert.deepEqual(checkShapes(graph), [], JSON.stringify(result.right));
      const broken = runnable(graph);
      assert.equal(broken, undefined, `accepted, but cannot run: ${broken} in ${JSON.stringify(result.right)}`);
    }),
    { numRuns: 10_000, seed: 20250101 },
  );
  const seconds = (performance.now() - start) / 1000;
  t.diagnostic(`10,000 specs, ${accepted} accepted and built (${nodes} nodes), in ${seconds.toFixed(1)} s`);
  // Both sides of the verdict are exercised.
  assert.ok(accepted > 1000 && accepted < 9000, `${accepted} accepted`);
});
