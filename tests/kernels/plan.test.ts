import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planMatMul, type MatMulPlan } from '../../runtime/tfjs/kernels/plan.ts';

function planned(a: number[], b: number[], tA = false, tB = false): MatMulPlan {
  const result = planMatMul(a, b, tA, tB);
  assert.ok(result.ok, result.ok ? '' : result.refusal.message);
  return result.plan;
}

test('a batched product becomes one kernel call with the batch as its loop', () => {
  const p = planned([12, 65, 64], [12, 64, 65]);
  assert.deepEqual([p.batch, p.m, p.n, p.k, p.aBatchStride, p.bBatchStride], [12, 65, 65, 64, 65 * 64, 64 * 65]);
  assert.deepEqual(p.outShape, [12, 65, 65]);
  assert.deepEqual(p.outer, []);
});

test('transpose flags only swap the row and column strides', () => {
  const p = planned([7, 5], [9, 7], true, true); // a is [K=7, M=5], b is [N=9, K=7]
  assert.deepEqual([p.m, p.n, p.k], [5, 9, 7]);
  assert.deepEqual([p.aRowStride, p.aColStride, p.bRowStride, p.bColStride], [1, 5, 1, 7]);
});

test('a batch against shared weights folds into M when A is not transposed', () => {
  const p = planned([16, 256, 192], [192, 768]);
  assert.deepEqual([p.batch, p.m, p.n, p.k], [1, 16 * 256, 768, 192]);
  assert.deepEqual(p.outShape, [16, 256, 768]);
});

test('a batch against shared weights stays a broadcast loop when A is transposed', () => {
  const p = planned([4, 192, 256], [192, 768], true);
  assert.deepEqual([p.batch, p.m, p.aBatchStride, p.bBatchStride], [4, 256, 192 * 256, 0]);
});

test('contiguous batch dims merge into one loop', () => {
  const p = planned([2, 3, 5, 4], [2, 3, 4, 6]);
  assert.deepEqual([p.batch, p.outer.length], [6, 0]);
});

test('two-sided broadcasting keeps an outer loop with the right strides', () => {
  const p = planned([2, 1, 5, 4], [1, 3, 4, 6]);
  assert.deepEqual([p.batch, p.aBatchStride, p.bBatchStride], [3, 0, 24]);
  assert.deepEqual(p.outer, [{ size: 2, aStride: 20, bStride: 0, cStride: 90 }]);
  assert.deepEqual(p.outShape, [2, 3, 5, 6]);
});

test('mismatched inner dims, unbroadcastable batches and empty products are refused with a reason', () => {
  const codes = [
    planMatMul([3, 4], [5, 6], false, false),
    planMatMul([2, 3, 4], [3, 4, 5], false, false),
    planMatMul([0, 4], [4, 6], false, false),
    planMatMul([4], [4, 6], false, false),
  ].map((r) => (r.ok ? 'ok' : r.refusal.code));
  assert.deepEqual(codes, ['inner', 'broadcast', 'empty', 'rank']);
  const inner = planMatMul([3, 4], [5, 6], false, false);
  assert.ok(!inner.ok && inner.refusal.message === 'expected equal inner dims, found 4 and 5');
});
