// The pool's gradient sum: float64 additions in shard order, rounded once to float32. It must
// give the bits of the straightforward version (a float64 accumulator array per parameter,
// shard after shard), which the exactness tests of the training threads were measured with.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { weightedSum } from '../../runtime/parallel/pool.ts';
import { Rng } from '../../runtime/rng.ts';

function reference(parts: readonly Float32Array[], weights: readonly number[]): Float32Array {
  const acc = new Float64Array(parts[0]!.length);
  for (const [i, g] of parts.entries()) for (let j = 0; j < acc.length; j++) acc[j]! += weights[i]! * g[j]!;
  return Float32Array.from(acc);
}

test('weightedSum gives the float64-accumulated sum bit for bit, for 1 to 5 shards of unequal weight', () => {
  const rng = Rng.fromSeed(3);
  const n = 10_007;
  for (const shards of [1, 2, 3, 5]) {
    const sizes = Array.from({ length: shards }, (_, i) => 7 + i * 3);
    const total = sizes.reduce((a, b) => a + b, 0);
    const weights = sizes.map((s) => s / total);
    // gradients over many magnitudes, so that float32 and float64 accumulation would differ
    const parts = sizes.map(() => Float32Array.from({ length: n }, () => rng.normal() * 10 ** Math.floor(rng.uniform() * 12 - 6)));
    const out = new Float32Array(n);
    weightedSum(out, parts, weights);
    const want = reference(parts, weights);
    const bits = (a: Float32Array) => new Uint32Array(a.buffer);
    const first = bits(out).findIndex((v, j) => v !== bits(want)[j]);
    assert.equal(first, -1, `${shards} shards: element ${first} is ${out[first]}, expected ${want[first]}`);
    // and not the float32-accumulated sum, which the test data is built to tell apart
    if (shards > 1) {
      const f32 = new Float32Array(n);
      for (const [i, g] of parts.entries()) for (let j = 0; j < n; j++) f32[j] = f32[j]! + Math.fround(weights[i]! * g[j]!);
      assert.ok(bits(f32).some((v, j) => v !== bits(want)[j]), 'the data does not distinguish float32 from float64 accumulation');
    }
  }
});

test('weightedSum keeps non-finite gradients visible: NaN and infinities pass through', () => {
  const out = new Float32Array(3);
  weightedSum(out, [Float32Array.of(NaN, Infinity, 1), Float32Array.of(1, 1, -Infinity)], [0.5, 0.5]);
  assert.ok(Number.isNaN(out[0]));
  assert.equal(out[1], Infinity);
  assert.equal(out[2], -Infinity);
});
