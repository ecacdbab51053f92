import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planMatMul } from '../../runtime/tfjs/kernels/plan.ts';
import { routeToKernel, type RoutePolicy } from '../../runtime/tfjs/kernels/route.ts';

function routed(a: number[], b: number[], tA = false, tB = false, policy: RoutePolicy = 'auto'): 'kernel' | 'stock' {
  const planned = planMatMul(a, b, tA, tB);
  assert.ok(planned.ok);
  const batch = (s: number[]): number => s.slice(0, -2).reduce((n, d) => n * d, 1);
  const call = { plan: planned.plan, aBatch: batch(a), bBatch: batch(b), transposeA: tA, transposeB: tB };
  return routeToKernel(call, policy) ? 'kernel' : 'stock';
}

test('large plain 2-D products go to our kernel, the ones XNNPACK does as well or better stay stock', () => {
  assert.equal(routed([4096, 192], [192, 768]), 'kernel');
  assert.equal(routed([4096, 768], [768, 192]), 'kernel');
  assert.equal(routed([64, 64], [64, 64]), 'stock');
  assert.equal(routed([1024, 768], [768, 128]), 'stock');
  assert.equal(routed([1, 768], [768, 768]), 'stock'); // a vector times a matrix
  assert.equal(routed([8, 192], [192, 768]), 'stock');
  assert.equal(routed([256, 3], [3, 256]), 'stock'); // K = 3
  assert.equal(routed([50, 768], [768, 1]), 'stock'); // N = 1
});

test('transposed and batched products, which stock runs in its naive loop, go to our kernel unless tiny', () => {
  assert.equal(routed([1, 768], [768, 768], false, true), 'kernel');
  assert.equal(routed([4096, 768], [4096, 192], true, false), 'kernel');
  assert.equal(routed([192, 17, 64], [192, 64, 17]), 'kernel');
  assert.equal(routed([16, 256, 192], [192, 768]), 'kernel');
  assert.equal(routed([192, 2, 4], [192, 4, 2]), 'stock');
  assert.equal(routed([3, 3, 3], [3, 3, 3]), 'stock');
});

test("the 'always' policy sends every product to our kernel", () => {
  assert.equal(routed([1, 768], [768, 768], false, false, 'always'), 'kernel');
  assert.equal(routed([3, 3, 3], [3, 3, 3], false, false, 'always'), 'kernel');
});
