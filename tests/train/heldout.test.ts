import { test } from 'node:test';
import assert from 'node:assert/strict';
import { trivialLoss } from '../../runtime/train/heldout.ts';

// Two images, L = 2 patches of D = 2 values: target [N, L, D], mask [N, L] (1 = masked).
const target = Float32Array.from([1, 3, 5, 7, /* image 2 */ 3, 5, 1, 1]);

test('with normalised targets the trivial predictor predicts 0: the mean square of the masked patches', () => {
  const mask = Float32Array.from([1, 0, 0, 1]);
  // masked: image 1 patch 0 (1, 3) and image 2 patch 1 (1, 1)
  assert.equal(trivialLoss(target, mask, 2, true), ((1 + 9) / 2 + (1 + 1) / 2) / 2);
});

test('with pixel targets the trivial predictor predicts each position\'s mean over the images', () => {
  const mask = Float32Array.from([1, 1, 1, 0]);
  // position means: patch 0 (2, 4), patch 1 (3, 4)
  const se = [((1 - 2) ** 2 + (3 - 4) ** 2) / 2, ((5 - 3) ** 2 + (7 - 4) ** 2) / 2, ((3 - 2) ** 2 + (5 - 4) ** 2) / 2];
  assert.equal(trivialLoss(target, mask, 2, false), (se[0]! + se[1]! + se[2]!) / 3);
});

test('with nothing masked the trivial loss is 0', () => {
  assert.equal(trivialLoss(target, new Float32Array(4), 2, false), 0);
});
