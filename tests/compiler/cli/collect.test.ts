import assert from 'node:assert/strict';
import { test } from 'node:test';
import { collectSpecs } from '../../../cli/model-file/collect.ts';

const spec = { kind: 'mae', note: 'stands for a spec' };

test('a single spec is found under its export name', () => {
  assert.deepEqual(collectSpecs('base', spec), [{ name: 'base', exportName: 'base', access: [], value: spec }]);
});

test('the specs of an array are named by index and skip other elements', () => {
  assert.deepEqual(
    collectSpecs('sweep', [spec, 3, spec]).map((f) => [f.name, f.access]),
    [
      ['sweep[0]', [0]],
      ['sweep[2]', [2]],
    ],
  );
});

test('grid items are named by their own name', () => {
  assert.deepEqual(collectSpecs('ablation', [{ name: 'mask0.75-dec8', spec }]), [{ name: 'mask0.75-dec8', exportName: 'ablation', access: [0, 'spec'], value: spec }]);
});

test('the specs of a record are named by key', () => {
  assert.deepEqual(collectSpecs('sizes', { small: spec, other: 'x' }).map((f) => [f.name, f.access]), [['sizes.small', ['small']]]);
});

test('values that are not specs give nothing', () => {
  for (const value of [3, 'mae', null, undefined, { kind: 'vit' }, [], () => spec]) assert.deepEqual(collectSpecs('x', value), []);
});
