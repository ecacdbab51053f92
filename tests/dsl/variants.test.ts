// variant() and grid(): derived specs are resolved, frozen, named stably, and checked.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as E from 'fp-ts/lib/Either.js';
import { grid, mae, tryVariant, variant, vitB, vitL, type MaeSpec } from '../../dsl/index.ts';

const base = mae({ encoder: vitL, decoder: { depth: 8 }, mask: 0.75 });

test('a variant overrides nested fields and keeps the rest of the base', () => {
  const v = variant(base, { mask: 0.5, decoder: { depth: 1 }, encoder: { depth: 12 } });
  assert.deepEqual(v, {
    ...base,
    encoder: { ...base.encoder, depth: 12 },
    decoder: { ...base.decoder, depth: 1 },
    mask: { ratio: 0.5, strategy: 'random' },
  });
  assert.ok(Object.isFrozen(v) && Object.isFrozen(v.decoder));
  assert.equal(base.mask.ratio, 0.75, 'the base is untouched');
});

test('a mask object override keeps the base ratio when only the strategy changes', () => {
  assert.deepEqual(variant(base, { mask: { strategy: 'grid' } }).mask, { ratio: 0.75, strategy: 'grid' });
});

test('tryVariant reports a variant that breaks a rule', () => {
  const ratio: number = 1;
  const result = tryVariant(base, { mask: ratio });
  assert.ok(E.isLeft(result));
  assert.deepEqual(result.left, [{ code: 'MAE004', path: 'mask.ratio', message: 'must be > 0 and < 1, got 1' }]);
  assert.ok(E.isRight(tryVariant(base, { mask: 0.6 })));
});

test('grid names points axis by axis in the order written, mask ratio as mask=', () => {
  const points = grid(base, { 'mask.ratio': [0.5, 0.75], 'decoder.depth': [1, 8] });
  assert.deepEqual(
    points.map((p) => p.name),
    ['mask=0.5,decoder.depth=1', 'mask=0.5,decoder.depth=8', 'mask=0.75,decoder.depth=1', 'mask=0.75,decoder.depth=8'],
  );
  assert.equal(points[1]!.spec.decoder.depth, 8);
  assert.equal(points[1]!.spec.mask.ratio, 0.5);
  assert.ok(points.every((p) => p.problems.length === 0 && Object.isFrozen(p.spec)));
  assert.ok(Object.isFrozen(points));
});

test('grid drops repeated values, shows strategies and flags by value, and handles empty axes', () => {
  const points = grid(base, { mask: [0.5, 0.5], 'mask.strategy': ['block'], normPixLoss: [false] });
  assert.deepEqual(points.map((p) => p.name), ['mask=0.5,mask.strategy=block,normPixLoss=false']);
  assert.deepEqual(points[0]!.spec.mask, { ratio: 0.5, strategy: 'block' });
  assert.deepEqual(grid(base, { 'decoder.depth': [] }), []);
  assert.deepEqual(grid(base, {}).map((p) => [p.name, p.spec]), [['', base]]);
});

test('a grid point that breaks a rule carries its problems', () => {
  const points = grid(mae({ encoder: vitB }), { 'decoder.width': [512, 500] });
  assert.deepEqual(points.map((p) => p.problems.map((q) => q.code)), [[], ['MAE003']]);
});

test('variants of a variant compose', () => {
  const once: MaeSpec = variant(base, { decoder: { width: 256 } });
  const twice = variant(once, { decoder: { heads: 8 } });
  assert.deepEqual(twice.decoder, { width: 256, depth: 8, heads: 8, mlpRatio: 4 });
});

test('the pretraining augmentation is a grid axis: named augment=<value>, the base keeps the recipe', () => {
  assert.equal(base.augment, 'crop');
  const points = grid(base, { augment: ['none', 'crop-fixed', 'crop', 'crop+jitter'] });
  assert.deepEqual(points.map((p) => p.name), ['augment=none', 'augment=crop-fixed', 'augment=crop', 'augment=crop+jitter']);
  assert.deepEqual(points.map((p) => p.spec.augment), ['none', 'crop-fixed', 'crop', 'crop+jitter']);
  assert.deepEqual({ ...points[0]!.spec, augment: 'crop' }, base, 'nothing else changes');
  assert.equal(variant(points[1]!.spec, { mask: 0.5 }).augment, 'crop-fixed', 'a later variant keeps it');
});
