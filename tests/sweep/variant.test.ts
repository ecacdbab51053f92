// The ablation axes a sweep reads off each spec.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { axesOf, toVariants } from '../../runtime/sweep/index.ts';
import { augmentation } from '../../models/ablations/augmentation.ts';
import { ablationBase } from '../../models/ablations/base.ts';

test('the Table 1e ablation file gives four variants that differ only in their augmentation axis', () => {
  const variants = toVariants(augmentation.map((p) => ({ name: p.name, exportName: 'augmentation', spec: p.spec, report: { flops: { forward: { total: 1e9 } }, speedup: { step: 1 } } })));
  assert.deepEqual(variants.map((v) => [v.name, v.dir, v.axes.augment]), [
    ['augment=none', 'augment=none', 'none'],
    ['augment=crop-fixed', 'augment=crop-fixed', 'crop-fixed'],
    ['augment=crop', 'augment=crop', 'crop'],
    ['augment=crop+jitter', 'augment=crop+jitter', 'crop+jitter'],
  ]);
  const others = variants.map((v) => JSON.stringify({ ...v.axes, augment: undefined }));
  assert.equal(new Set(others).size, 1);
  assert.ok(augmentation.every((p) => p.problems.length === 0));
});

test("a spec that does not set augment reads as the recipe's crop", () => {
  assert.equal(axesOf(ablationBase).augment, 'crop');
});
