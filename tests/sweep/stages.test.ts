// The command lines sweep/stages.ts builds for a variant's three stages, argument by argument.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BUDGETS, variantPaths, type Budget } from '../../sweep/index.ts';
import { finetuneArgs, pretrainArgs, probeArgs, probeBlr, type StageOptions } from '../../sweep/stages.ts';

const p = variantPaths('/s', 'mask=0.5');
const control = variantPaths('/s', 'no-pretraining', 'control');
/** The tiny budget: 1 pretraining epoch of batch 64, 10 probe epochs, 1 fine-tuning epoch, 1000 train and 500 test images. */
const tiny: StageOptions = { data: 'fashion-mnist', budget: BUDGETS.tiny, seed: 0, backend: undefined, labels: [100] };
const budget = (fields: Partial<Budget>): Budget => ({ ...BUDGETS.tiny, ...fields });
/** tiny with the whole train and test split. */
const whole: StageOptions = { ...tiny, budget: budget({ limit: undefined, testLimit: undefined }) };

test('pretraining trains the variant spec.json into its run folder for the budget epochs and batch on its train images', () => {
  assert.deepEqual(pretrainArgs(p, tiny, false), [
    'pretrain', '/s/mask=0.5/spec.json',
    '--data', 'fashion-mnist', '--seed', '0',
    '--out', '/s/mask=0.5/run',
    '--epochs', '1', '--batch', '64', '--limit', '1000',
  ]);
});

test('pretraining on the whole train split passes no --limit, and never a test limit', () => {
  assert.deepEqual(pretrainArgs(p, whole, false), ['pretrain', '/s/mask=0.5/spec.json', '--data', 'fashion-mnist', '--seed', '0', '--out', '/s/mask=0.5/run', '--epochs', '1', '--batch', '64']);
  assert.ok(!pretrainArgs(p, tiny, false).includes('--test-limit'));
});

test('the data set, seed, epochs and batch of the options reach the pretraining command', () => {
  const o: StageOptions = { data: 'mnist', budget: budget({ epochs: 7, batch: 128, limit: 250 }), seed: 42, backend: undefined, labels: [100] };
  assert.deepEqual(pretrainArgs(p, o, false), ['pretrain', '/s/mask=0.5/spec.json', '--data', 'mnist', '--seed', '42', '--out', '/s/mask=0.5/run', '--epochs', '7', '--batch', '128', '--limit', '250']);
});

test('a backend is passed after the seed, and only when one is given', () => {
  const wasm: StageOptions = { ...tiny, backend: 'wasm' };
  assert.deepEqual(pretrainArgs(p, wasm, false).slice(0, 8), ['pretrain', '/s/mask=0.5/spec.json', '--data', 'fashion-mnist', '--seed', '0', '--backend', 'wasm']);
  assert.deepEqual(probeArgs(p, wasm).slice(0, 8), ['probe', '/s/mask=0.5/run', '--data', 'fashion-mnist', '--seed', '0', '--backend', 'wasm']);
  assert.deepEqual(finetuneArgs(p, wasm).slice(0, 8), ['finetune', '/s/mask=0.5/run', '--data', 'fashion-mnist', '--seed', '0', '--backend', 'wasm']);
  for (const argv of [pretrainArgs(p, tiny, false), pretrainArgs(p, tiny, true), probeArgs(p, tiny), finetuneArgs(p, tiny)]) assert.ok(!argv.includes('--backend'));
});

test('resumed pretraining names its run folder and repeats the budget\'s --limit, which pretrain checks against the recorded run', () => {
  assert.deepEqual(pretrainArgs(p, tiny, true), ['pretrain', '--resume', '--out', '/s/mask=0.5/run', '--limit', '1000']);
  // The other options were recorded by the run and do not change the resume command...
  assert.deepEqual(pretrainArgs(p, { data: 'mnist', budget: budget({ epochs: 9 }), seed: 5, backend: undefined, labels: [100] }, true), ['pretrain', '--resume', '--out', '/s/mask=0.5/run', '--limit', '1000']);
  // ...and on the whole split there is no limit to repeat.
  assert.deepEqual(pretrainArgs(p, whole, true), ['pretrain', '--resume', '--out', '/s/mask=0.5/run']);
});

test('resumed pretraining still passes the backend, which is not a recorded setting', () => {
  assert.deepEqual(pretrainArgs(p, { ...whole, backend: 'tensorflow' }, true), ['pretrain', '--resume', '--out', '/s/mask=0.5/run', '--backend', 'tensorflow']);
});

test('the probe reads the pretrained run and writes into run/probe, with 10% warm-up, a scaled blr, batch 256 and both limits', () => {
  // blr = 0.1 * 1,281,167 / 1000 = 128.1167, kept to two significant digits: 130.
  assert.deepEqual(probeArgs(p, tiny), [
    'probe', '/s/mask=0.5/run',
    '--data', 'fashion-mnist', '--seed', '0',
    '--out', '/s/mask=0.5/run/probe',
    '--epochs', '10', '--warmup', '1', '--blr', '130', '--batch', '256',
    '--train-limit', '1000', '--test-limit', '500',
  ]);
});

test('the probe on the whole split sizes its blr for 60,000 images and passes no limits', () => {
  // blr = 0.1 * 1,281,167 / 60,000 = 2.135..., two significant digits: 2.1.
  assert.deepEqual(probeArgs(p, { ...whole, budget: { ...whole.budget, probeEpochs: 90 } }), [
    'probe', '/s/mask=0.5/run', '--data', 'fashion-mnist', '--seed', '0', '--out', '/s/mask=0.5/run/probe',
    '--epochs', '90', '--warmup', '9', '--blr', '2.1', '--batch', '256',
  ]);
});

test('a test limit alone is passed without a train limit', () => {
  const o: StageOptions = { ...tiny, budget: budget({ limit: undefined, testLimit: 100 }) };
  assert.deepEqual(probeArgs(p, o).slice(-2), ['--test-limit', '100']);
  assert.ok(!probeArgs(p, o).includes('--train-limit'));
  assert.deepEqual(finetuneArgs(p, o).slice(-2), ['--test-limit', '100']);
  assert.ok(!finetuneArgs(p, o).includes('--train-limit'));
});

test('the probe blr is 0.1 scaled from ImageNet-1k to the train images, to two significant digits', () => {
  assert.equal(probeBlr(1_281_167), 0.1);
  assert.equal(probeBlr(60_000), 2.1); // 2.135...
  assert.equal(probeBlr(5000), 26); // 25.62...
  assert.equal(probeBlr(1000), 130); // 128.1...
  assert.equal(probeBlr(300), 430); // 427.05...
});

test('fine-tuning reads the pretrained run, writes into run/finetune, batch 64, and always resumes its own checkpoint', () => {
  assert.deepEqual(finetuneArgs(p, tiny), [
    'finetune', '/s/mask=0.5/run',
    '--data', 'fashion-mnist', '--seed', '0',
    '--out', '/s/mask=0.5/run/finetune',
    '--epochs', '1', '--warmup', '0.1', '--batch', '64', '--resume',
    '--train-limit', '1000', '--test-limit', '500',
  ]);
});

test("the budget's batch is pretraining's alone: the probe keeps 256 and fine-tuning 64", () => {
  const o: StageOptions = { ...tiny, budget: budget({ batch: 512 }) };
  const batch = (argv: string[]) => argv[argv.indexOf('--batch') + 1];
  assert.equal(batch(pretrainArgs(p, o, false)), '512');
  assert.equal(batch(probeArgs(p, o)), '256');
  assert.equal(batch(finetuneArgs(p, o)), '64');
});

test('warm-up is a tenth of the epochs without floating-point noise', () => {
  // 0.1 * 7 is 0.7000000000000001 and 0.1 * 3 is 0.30000000000000004 in float64.
  const warmup = (argv: string[]) => argv[argv.indexOf('--warmup') + 1];
  assert.equal(warmup(probeArgs(p, { ...tiny, budget: budget({ probeEpochs: 7 }) })), '0.7');
  assert.equal(warmup(finetuneArgs(p, { ...tiny, budget: budget({ finetuneEpochs: 3 }) })), '0.3');
  assert.equal(warmup(probeArgs(p, { ...tiny, budget: budget({ probeEpochs: 30 }) })), '3');
  assert.equal(warmup(finetuneArgs(p, { ...tiny, budget: budget({ finetuneEpochs: 2 }) })), '0.2');
});

test('the control probes its spec.json at random init and writes into its own folder, not a run folder', () => {
  assert.deepEqual(probeArgs(control, tiny, true), [
    'probe', '--scratch', '/s/no-pretraining/spec.json',
    '--data', 'fashion-mnist', '--seed', '0',
    '--out', '/s/no-pretraining/probe',
    '--epochs', '10', '--warmup', '1', '--blr', '130', '--batch', '256',
    '--train-limit', '1000', '--test-limit', '500',
  ]);
});

test('the control fine-tunes its spec.json from random init into its own folder, resuming like a variant', () => {
  assert.deepEqual(finetuneArgs(control, tiny, true), [
    'finetune', '--scratch', '/s/no-pretraining/spec.json',
    '--data', 'fashion-mnist', '--seed', '0',
    '--out', '/s/no-pretraining/finetune',
    '--epochs', '1', '--warmup', '0.1', '--batch', '64', '--resume',
    '--train-limit', '1000', '--test-limit', '500',
  ]);
});
