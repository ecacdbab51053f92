import { test } from 'node:test';
import assert from 'node:assert/strict';
import { firstNonFinite, nonFiniteProblem, positionOf } from '../../runtime/io/index.ts';

test('the first NaN or infinity is found, and none in finite data', () => {
  assert.equal(firstNonFinite(new Float32Array([0, 1, Infinity, NaN])), 2);
  assert.equal(firstNonFinite(new Float32Array([0, -3.5, 1e30])), -1);
  assert.equal(firstNonFinite(new Float32Array(0)), -1);
});

test('a flat index maps to its row-major position', () => {
  assert.deepEqual(positionOf([2, 3], 4), [1, 1]);
  assert.deepEqual(positionOf([2, 1, 2, 2], 7), [1, 0, 1, 1]);
  assert.deepEqual(positionOf([], 0), []);
});

test('the problem names the tensor, the value, its position and its element index', () => {
  assert.equal(nonFiniteProblem('imgs', [1, 1, 2, 2], new Float32Array([0, NaN, 0, 0])), 'tensor "imgs" holds NaN at [0, 0, 0, 1] (element 1); expected finite values');
  assert.equal(nonFiniteProblem('noise', [1, 2], new Float32Array([0.5, -Infinity])), 'tensor "noise" holds -Infinity at [0, 1] (element 1); expected finite values');
  assert.equal(nonFiniteProblem('w', [2], new Float32Array([1, 2])), undefined);
});
