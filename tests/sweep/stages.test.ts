// The command lines sweep/stages.ts builds for a variant's three stages, argument by argument.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BUDGETS, seedFolder, sweepRuns, variantPaths, type Budget, type SweepEntry } from '../../sweep/index.ts';
import { evalStage, parseEvalStage } from '../../sweep/layout.ts';
import { stagesOf } from '../../sweep/run-variant.ts';
import { finetuneArgs, finetuneEpochs, scarceBatch, pretrainArgs, probeArgs, probeBlr, type StageOptions } from '../../sweep/stages.ts';

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

test('a label protocol below 100% probes into run/probe-labels<p> with --labels p% and its blr scaled to the subset, the budget probe epochs kept', () => {
  // 10% of 1000 images: blr = 0.1 * 1,281,167 / 100 = 1281.2, two significant digits: 1300.
  assert.deepEqual(probeArgs(p, tiny, false, 10), [
    'probe', '/s/mask=0.5/run',
    '--data', 'fashion-mnist', '--seed', '0',
    '--out', '/s/mask=0.5/run/probe-labels10',
    '--epochs', '10', '--warmup', '1', '--blr', '1300', '--batch', '256',
    '--train-limit', '1000', '--test-limit', '500',
    '--labels', '10%',
  ]);
  // On the whole split: 1% of 60,000 is 600 images, blr 210.
  assert.equal(probeArgs(p, whole, false, 1)[probeArgs(p, whole, false, 1).indexOf('--blr') + 1], '210');
  // 100 is today's command line exactly.
  assert.deepEqual(probeArgs(p, tiny, false, 100), probeArgs(p, tiny));
  assert.deepEqual(finetuneArgs(p, tiny, false, 100), finetuneArgs(p, tiny));
});

test('label-scarce fine-tuning runs epochs * 100 / p, rounded, at least 1, at most 50, at batch 64 or half the subset, into run/finetune-labels<p>; a control uses its own folder', () => {
  assert.deepEqual(finetuneArgs(p, tiny, false, 10), [
    'finetune', '/s/mask=0.5/run',
    '--data', 'fashion-mnist', '--seed', '0',
    '--out', '/s/mask=0.5/run/finetune-labels10',
    // 10% of 1000 images is 100: half of it a batch.
    '--epochs', '10', '--warmup', '1', '--batch', '50', '--resume',
    '--train-limit', '1000', '--test-limit', '500',
    '--labels', '10%',
    // More than five epochs: the test split is scored about five times, not after every epoch.
    '--eval-every', '2',
  ]);
  const every = (argv: string[]) => (argv.includes('--eval-every') ? argv[argv.indexOf('--eval-every') + 1] : undefined);
  assert.deepEqual([every(finetuneArgs(p, tiny, false, 1)), every(finetuneArgs(p, tiny, false, 30)), every(finetuneArgs(p, tiny))], ['10', undefined, undefined]);
  // A subset smaller than two batches of 64 fine-tunes at half its size: 1% of 1000 images (10) at batch 5.
  const batch = (argv: string[]) => argv[argv.indexOf('--batch') + 1];
  assert.deepEqual([batch(finetuneArgs(p, tiny, false, 1)), batch(finetuneArgs(p, tiny, false, 12.8)), batch(finetuneArgs(p, whole, false, 1))], ['5', '64', '64']);
  assert.deepEqual([scarceBatch(50), scarceBatch(1), scarceBatch(127), scarceBatch(500)], [25, 1, 63, 64]);
  assert.deepEqual([finetuneEpochs(1, 100), finetuneEpochs(1, 10), finetuneEpochs(1, 1), finetuneEpochs(3, 10), finetuneEpochs(1, 30), finetuneEpochs(1, 0.5), finetuneEpochs(2, 100)], [1, 10, 50, 30, 3, 50, 2]);
  assert.equal(probeArgs(control, tiny, true, 2.5)[probeArgs(control, tiny, true, 2.5).indexOf('--out') + 1], '/s/no-pretraining/probe-labels2.5');
  assert.equal(finetuneArgs(control, tiny, true, 50)[finetuneArgs(control, tiny, true, 50).indexOf('--out') + 1], '/s/no-pretraining/finetune-labels50');
});

test('seeds other than the base live in <folder>,seed=<s>/ beside it; the runs of a sweep are every entry per seed, the base seed first', () => {
  assert.equal(seedFolder('mask=0.75', 0, 0), 'mask=0.75');
  assert.equal(seedFolder('mask=0.75', 1, 0), 'mask=0.75,seed=1');
  assert.equal(seedFolder('no-pretraining', 7, 5), 'no-pretraining,seed=7');
  assert.equal(variantPaths('/s', seedFolder('mask=0.75', 2, 0)).probeResult, '/s/mask=0.75,seed=2/run/probe/result.json');
  const entries = [{ kind: 'control', name: 'a', dir: 'a', spec: {}, controls: [] }, { kind: 'control', name: 'b', dir: 'b', spec: {}, controls: [] }] as unknown as SweepEntry[];
  assert.deepEqual(sweepRuns(entries, 2, 3).map((r) => [r.index, r.seed, r.job.dir, r.label]), [
    [0, 3, 'a', 'a seed 3'],
    [1, 3, 'b', 'b seed 3'],
    [0, 4, 'a,seed=4', 'a seed 4'],
    [1, 4, 'b,seed=4', 'b seed 4'],
  ]);
  assert.deepEqual(sweepRuns(entries, 1, 0).map((r) => [r.job.dir, r.label]), [['a', 'a'], ['b', 'b']]);
});

test('a run goes through pretraining, then each protocol\'s probe and fine-tuning in order; a stage name is its folder and log', () => {
  const v = { kind: 'variant' } as SweepEntry;
  const c = { kind: 'control' } as SweepEntry;
  assert.deepEqual(stagesOf(v, [100, 10, 1]), ['pretrain', 'probe', 'finetune', 'probe-labels10', 'finetune-labels10', 'probe-labels1', 'finetune-labels1']);
  assert.deepEqual(stagesOf(c, [10]), ['probe-labels10', 'finetune-labels10']);
  assert.deepEqual(parseEvalStage('finetune-labels0.5'), { kind: 'finetune', labels: 0.5 });
  assert.deepEqual(parseEvalStage(evalStage('probe', 100)), { kind: 'probe', labels: 100 });
  assert.equal(p.log('probe-labels10'), '/s/mask=0.5/probe-labels10.log');
});
