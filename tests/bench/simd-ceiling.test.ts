// The ceiling microbenchmark's hand-assembled module must do the arithmetic it is credited
// with: n iterations of 12 independent f32x4 multiply-adds of 1e-3 * 1e-3 (the GFLOP/s it
// reports count 8 FLOP per multiply-add). Timing itself is not tested (bench/peer.md has it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ceilingModule, flopsPerIteration, simdCeiling } from '../../bench/simd-ceiling.ts';
import { relaxedSimd } from '../../runtime/tfjs/kernels/simd.ts';

type Run = (n: number) => number;
const instantiate = (bytes: Uint8Array): Run => {
  const wasm = (globalThis as unknown as { WebAssembly: { Instance: new (m: unknown) => { exports: { run: Run } }; Module: new (b: Uint8Array) => unknown } }).WebAssembly;
  return new wasm.Instance(new wasm.Module(bytes)).exports.run;
};

/** What run(n) returns, in float32 as the module computes it: lane 0 of the 12 chains' sum. */
function expected(n: number): number {
  const prod = Math.fround(Math.fround(1e-3) * Math.fround(1e-3));
  let chain = 0;
  for (let i = 0; i < n; i++) chain = Math.fround(chain + prod);
  let sum = chain;
  for (let i = 1; i < 12; i++) sum = Math.fround(sum + chain);
  return sum;
}

test('the mul + add module sums n * 12 products of 1e-3 * 1e-3 (96 FLOP an iteration)', () => {
  assert.equal(flopsPerIteration, 12 * 8);
  const run = instantiate(ceilingModule('plain'));
  for (const n of [1, 7, 1000]) assert.equal(run(n), expected(n), `run(${n})`);
});

test('the relaxed_madd module computes the same sums (up to fusing, which 1e-6 steps do not round differently here)', (t) => {
  if (!relaxedSimd().supported) return t.skip('relaxed SIMD does not validate in this runtime');
  const run = instantiate(ceilingModule('relaxed'));
  for (const n of [1, 7, 1000]) assert.ok(Math.abs(run(n) - expected(n)) <= 1e-6 * expected(n), `run(${n}) = ${run(n)}, expected ${expected(n)}`);
});

test('simdCeiling runs its threads and gives a positive, finite rate', async () => {
  const rate = await simdCeiling('plain', 2, 200);
  assert.ok(Number.isFinite(rate) && rate > 0, `rate ${rate}`);
});
