import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { sampleNoise } from '../../runtime/masking/noise.ts';
import { Rng } from '../../runtime/rng.ts';
import { numVisible } from '../../dsl/derived.ts';

/** Indices of the K smallest noise values of row n (what the IR keeps). */
function kept(noise: Float32Array, n: number, l: number, k: number): number[] {
  const row = Array.from(noise.subarray(n * l, (n + 1) * l));
  return row.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]).slice(0, k).map(([, i]) => i).sort((a, b) => a - b);
}

test('random noise is uniform in [0, 1) and reproducible from the seed', () => {
  const a = sampleNoise('random', 3, 8, 16, Rng.fromSeed(7));
  const b = sampleNoise('random', 3, 8, 16, Rng.fromSeed(7));
  assert.deepEqual(a, b);
  assert.ok(a.every((v) => v >= 0 && v < 1));
});

test('grid masking keeps the top-left patch of every 2x2 block at ratio 0.75', () => {
  const g = 8;
  const k = numVisible(g * g, 0.75);
  const noise = sampleNoise('grid', 2, g, k, Rng.fromSeed(1));
  for (let n = 0; n < 2; n++) {
    const expected: number[] = [];
    for (let i = 0; i < g; i += 2) for (let j = 0; j < g; j += 2) expected.push(i * g + j);
    assert.deepEqual(kept(noise, n, g * g, k), expected.sort((a, b) => a - b));
  }
});

test('block and grid masking remove exactly L - K patches, flagged by noise >= 1', () => {
  fc.assert(
    fc.property(fc.integer({ min: 2, max: 14 }), fc.double({ min: 0.1, max: 0.9, noNaN: true }), fc.constantFrom('block' as const, 'grid' as const), fc.integer(), (g, ratio, strategy, seed) => {
      const l = g * g;
      const k = numVisible(l, ratio);
      fc.pre(k >= 1);
      const noise = sampleNoise(strategy, 2, g, k, Rng.fromSeed(seed));
      for (let n = 0; n < 2; n++) {
        const row = noise.subarray(n * l, (n + 1) * l);
        assert.equal(row.filter((v) => v >= 1).length, l - k);
        assert.ok(row.every((v) => v >= 0 && v < 2));
      }
    }),
    { numRuns: 200 },
  );
});

test('block masking removes contiguous rectangles rather than scattered patches', () => {
  // On a 14x14 grid at 40%, a random mask has ~2.4 removed 4-neighbours per removed patch out
  // of 4; blocks have far more of their neighbours removed.
  const g = 14;
  const l = g * g;
  const k = numVisible(l, 0.4);
  const neighbourShare = (strategy: 'block' | 'random') => {
    const noise = sampleNoise(strategy, 20, g, k, Rng.fromSeed(3));
    let same = 0;
    let total = 0;
    for (let n = 0; n < 20; n++) {
      const keep = new Set(kept(noise, n, l, k));
      for (let i = 0; i < g; i++)
        for (let j = 0; j < g - 1; j++) {
          const a = !keep.has(i * g + j);
          const b = !keep.has(i * g + j + 1);
          if (a) {
            total++;
            if (b) same++;
          }
        }
    }
    return same / total;
  };
  assert.ok(neighbourShare('block') > neighbourShare('random') + 0.15, `block ${neighbourShare('block')} vs random ${neighbourShare('random')}`);
});
