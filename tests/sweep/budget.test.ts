// Named budgets and the command-line overrides of their fields (sweep/budget.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BUDGETS, withOverrides } from '../../sweep/index.ts';

test('overriding the epochs and the image limit of the tiny budget keeps its other fields', () => {
  assert.deepEqual(withOverrides(BUDGETS.tiny, { epochs: 2, limit: 300 }), {
    epochs: 2,
    batch: 64,
    probeEpochs: 10,
    finetuneEpochs: 1,
    limit: 300,
    testLimit: 500,
  });
});

test('every field of a budget can be overridden', () => {
  const all = { epochs: 3, batch: 32, probeEpochs: 5, finetuneEpochs: 4, limit: 10, testLimit: 20 };
  assert.deepEqual(withOverrides(BUDGETS.full, all), all);
});

test('no overrides give the named budget unchanged', () => {
  assert.deepEqual(withOverrides(BUDGETS.medium, {}), { epochs: 4, batch: 128, probeEpochs: 90, finetuneEpochs: 1, limit: undefined, testLimit: undefined });
});

test('a limit can be set on a budget that uses the whole split', () => {
  assert.deepEqual(withOverrides(BUDGETS.medium, { limit: 2000, testLimit: 400 }), { epochs: 4, batch: 128, probeEpochs: 90, finetuneEpochs: 1, limit: 2000, testLimit: 400 });
});
