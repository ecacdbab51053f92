// The ablation axes a sweep reads off each spec, and the controls it adds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { axesOf, CONTROL_NAME, folderName, toVariants, withControls } from '../../sweep/index.ts';
import { variant, type MaeSpec } from '../../dsl/index.ts';
import { augmentation } from '../../models/ablations/augmentation.ts';
import { ablationBase } from '../../models/ablations/base.ts';
import { maskRatio } from '../../models/ablations/mask-ratio.ts';

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

const compiled = (name: string, spec: MaeSpec) => ({ name, exportName: 'x', spec, report: { flops: { forward: { total: 1e9 } }, speedup: { step: 1 } } });

test('a sweep whose variants share one encoder gets one control, "no pretraining", after them', () => {
  const entries = withControls(toVariants(maskRatio.map((p) => compiled(p.name, p.spec))));
  assert.equal(entries.length, maskRatio.length + 1);
  const control = entries.at(-1)!;
  assert.equal(control.kind, 'control');
  assert.equal(control.name, CONTROL_NAME);
  assert.equal(control.dir, 'no-pretraining');
  assert.deepEqual(control.kind === 'control' && control.controls, maskRatio.map((p) => p.name));
  assert.deepEqual(control.spec.encoder, ablationBase.encoder);
});

test('the decoder, masking, target and augmentation do not make a new control; the encoder and the image do', () => {
  const sameEncoder = [variant(ablationBase, { decoder: { depth: 8 } }), variant(ablationBase, { normPixLoss: true, augment: 'none', maskTokensInEncoder: true })];
  assert.equal(withControls(toVariants(sameEncoder.map((s, i) => compiled(`v${i}`, s)))).filter((e) => e.kind === 'control').length, 1);
  const wider = variant(ablationBase, { encoder: { width: 128 } });
  const controls = withControls(toVariants([compiled('narrow', ablationBase), compiled('wide', wider)])).filter((e) => e.kind === 'control');
  assert.deepEqual(controls.map((c) => [c.name, c.dir]), [
    ['no pretraining (narrow)', 'no-pretraining-_narrow_'],
    ['no pretraining (wide)', 'no-pretraining-_wide_'],
  ]);
  assert.deepEqual(controls[1]!.spec.encoder, wider.encoder);
});

test("the control's folder never takes a variant's", () => {
  const entries = withControls(toVariants([compiled('no-pretraining', ablationBase)]));
  assert.deepEqual(entries.map((e) => e.dir), ['no-pretraining', 'no-pretraining-2']);
});

test('folder names keep grid names readable and replace anything unsafe', () => {
  assert.equal(folderName('mask=0.5,decoder.depth=1', 'x'), 'mask=0.5,decoder.depth=1');
  assert.equal(folderName('table[1]', 'x'), 'table_1_');
  assert.equal(folderName('a/../b', 'x'), 'a_.._b');
});

test('an empty name takes the fallback folder name', () => {
  assert.equal(folderName('', 'ablation'), 'ablation');
});

test('a name that would be . or .. gets an underscore in front, so it never names the sweep or its parent', () => {
  assert.equal(folderName('.', 'x'), '_.');
  assert.equal(folderName('..', 'x'), '_..');
});
