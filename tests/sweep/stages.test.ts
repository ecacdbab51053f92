import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BUDGETS, variantPaths, withOverrides, folderName } from '../../sweep/index.ts';
import { finetuneArgs, pretrainArgs, probeArgs, probeBlr } from '../../sweep/stages.ts';

const p = variantPaths('/s', 'mask=0.5');
const o = { data: 'fashion-mnist', budget: withOverrides(BUDGETS.tiny, { epochs: 2, limit: 300 }), seed: 0, backend: undefined };

test('flags override only their part of a named budget', () => {
  assert.deepEqual(withOverrides(BUDGETS.tiny, { epochs: 2, limit: 300 }), { ...BUDGETS.tiny, epochs: 2, limit: 300 });
});

test('pretraining trains the variant spec.json into its run folder, or resumes it with its recorded settings', () => {
  assert.deepEqual(pretrainArgs(p, o, false), ['pretrain', '/s/mask=0.5/spec.json', '--data', 'fashion-mnist', '--seed', '0', '--out', '/s/mask=0.5/run', '--epochs', '2', '--batch', '64', '--limit', '300']);
  assert.deepEqual(pretrainArgs(p, o, true), ['pretrain', '--resume', '--out', '/s/mask=0.5/run', '--limit', '300']);
});

test('the probe warms up for 10% of its epochs with the blr scaled to its training images; fine-tuning resumes', () => {
  const probe = probeArgs(p, o);
  assert.equal(probe[probe.indexOf('--warmup') + 1], '1');
  assert.equal(probe[probe.indexOf('--blr') + 1], String(probeBlr(300)));
  assert.equal(probe[probe.indexOf('--train-limit') + 1], '300');
  assert.equal(probeBlr(60_000), 2.1);
  assert.ok(finetuneArgs(p, o).includes('--resume'));
});

test('folder names keep grid names readable and replace anything unsafe', () => {
  assert.equal(folderName('mask=0.5,decoder.depth=1', 'x'), 'mask=0.5,decoder.depth=1');
  assert.equal(folderName('table[1]', 'x'), 'table_1_');
  assert.equal(folderName('', 'ablation'), 'ablation');
  assert.equal(folderName('a/../b', 'x'), 'a_.._b');
});

test('the control probes and fine-tunes its spec.json at random init, its results in its own folder', () => {
  const c = variantPaths('/s', 'no-pretraining', 'control');
  const probe = probeArgs(c, o, true);
  assert.deepEqual(probe.slice(0, 3), ['probe', '--scratch', '/s/no-pretraining/spec.json']);
  assert.equal(probe[probe.indexOf('--out') + 1], '/s/no-pretraining/probe');
  const finetune = finetuneArgs(c, o, true);
  assert.deepEqual(finetune.slice(0, 3), ['finetune', '--scratch', '/s/no-pretraining/spec.json']);
  assert.equal(c.finetuneResult, '/s/no-pretraining/finetune/result.json');
  // Everything but where the weights come from is the variants' command line.
  assert.deepEqual(probe.slice(3).filter((a) => !a.startsWith('/s/')), probeArgs(p, o).slice(2).filter((a) => !a.startsWith('/s/')));
  assert.deepEqual(finetune.slice(3).filter((a) => !a.startsWith('/s/')), finetuneArgs(p, o).slice(2).filter((a) => !a.startsWith('/s/')));
});
