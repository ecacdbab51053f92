import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildClassifier } from '../../compiler/build/classifier.ts';
import { readFinetuneCheckpoint, type AtomicWriter } from '../../runtime/checkpoint/index.ts';
import { openTarget } from '../../runtime/tfjs/target.ts';
import { openDataset } from '../../runtime/data/index.ts';
import { classifierStart } from '../../runtime/eval/classifier-params.ts';
import { FINETUNE_DEFAULTS, FINETUNE_PLAIN } from '../../runtime/eval/finetune.ts';
import { finetune, type FinetuneRun } from '../../runtime/eval/finetune-run.ts';
import { metricsLog } from '../../runtime/eval/metrics-log.ts';
import { saveSafetensors, writeFileAtomic } from '../../runtime/io/index.ts';
import { SYNTH, tinySpec } from './fixtures.ts';

const target = await openTarget('cpu');
const dataset = await openDataset(SYNTH);
// Drop path 0.5 so that the draws matter; 4 steps per epoch, 2 epochs.
const graph = buildClassifier(tinySpec, { numClasses: 4, dropPath: 0.5, headInitStd: 2e-5 });
const start = classifierStart(graph, 3);
// The plain fine-tune; the recipe's augmentation has tests of its own below.
const config = { ...FINETUNE_PLAIN, epochs: 2, batchSize: 32, blr: 2e-2, warmupEpochs: 0.5, trainLimit: 128, testLimit: 32 };
const quiet = { update: () => {}, line: () => {} };

function options(outDir: string, extra: Partial<FinetuneRun> = {}): FinetuneRun {
  return { graph, target, start, dataset, numClasses: 4, config, outDir, resume: false, info: { mode: 'finetune', data: SYNTH }, checkpointEvery: 3, progress: quiet, log: metricsLog(join(outDir, 'metrics.jsonl')), ...extra };
}

/** The metrics lines without their timings. */
function metrics(dir: string): unknown[] {
  return readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((line) => {
    const { seconds: _, ...rest } = JSON.parse(line) as Record<string, unknown>;
    return rest;
  });
}

const tempDir = () => mkdtempSync(join(tmpdir(), 'maec-ft-resume-'));

test('a run stopped mid-epoch and resumed twice ends with the metrics, parameters and checkpoint of an uninterrupted run', async () => {
  const whole = tempDir();
  const uninterrupted = await finetune(options(whole));
  assert.equal(uninterrupted.kind, 'finished');
  const parts = tempDir();
  // Stops mid-epoch 1 (step 3 of 4), then mid-epoch 2 (step 6) after crossing the epoch end.
  const first = await finetune(options(parts, { maxSteps: 3 }));
  assert.deepEqual(first.kind === 'stopped' && first.position, { step: 3, epoch: 0, batchInEpoch: 3 });
  const second = await finetune(options(parts, { maxSteps: 3, resume: true }));
  assert.deepEqual(second.kind === 'stopped' && second.position, { step: 6, epoch: 1, batchInEpoch: 2 });
  const last = await finetune(options(parts, { resume: true }));
  assert.ok(last.kind === 'finished' && uninterrupted.kind === 'finished');
  assert.deepEqual(metrics(parts), metrics(whole));
  assert.deepEqual(last.confusion, uninterrupted.confusion);
  for (const [name, want] of uninterrupted.params) assert.deepEqual(last.params.get(name), want, name);
  assert.deepEqual(readFileSync(join(parts, 'checkpoint.safetensors')), readFileSync(join(whole, 'checkpoint.safetensors')));
});

test('with mixup and CutMix on, a stopped and resumed run mixes as the uninterrupted one and differs from an unmixed run', async () => {
  const mixing = { config: { ...config, mixup: 0.8, cutmix: 1.0 } };
  const whole = tempDir();
  const uninterrupted = await finetune(options(whole, mixing));
  const parts = tempDir();
  await finetune(options(parts, { ...mixing, maxSteps: 3 }));
  const last = await finetune(options(parts, { ...mixing, resume: true }));
  assert.ok(last.kind === 'finished' && uninterrupted.kind === 'finished');
  assert.deepEqual(metrics(parts), metrics(whole));
  assert.deepEqual(readFileSync(join(parts, 'checkpoint.safetensors')), readFileSync(join(whole, 'checkpoint.safetensors')));
  const plain = tempDir();
  await finetune(options(plain));
  assert.notDeepEqual(metrics(plain), metrics(whole), 'the mixing changed the training');
});

test('with the recipe (mixup, CutMix, RandAugment, erasing), a stopped and resumed run equals the uninterrupted one, and the per-image augmentation changes the training', async () => {
  const { mixup, cutmix, randAugment, reprob } = FINETUNE_DEFAULTS;
  assert.ok(mixup && cutmix && randAugment && reprob, 'the defaults are the recipe');
  const recipe = { config: { ...config, mixup, cutmix, randAugment, reprob } };
  const whole = tempDir();
  const uninterrupted = await finetune(options(whole, recipe));
  const parts = tempDir();
  const first = await finetune(options(parts, { ...recipe, maxSteps: 3 }));
  assert.deepEqual(first.kind === 'stopped' && first.position, { step: 3, epoch: 0, batchInEpoch: 3 });
  const last = await finetune(options(parts, { ...recipe, resume: true }));
  assert.ok(last.kind === 'finished' && uninterrupted.kind === 'finished');
  assert.deepEqual(metrics(parts), metrics(whole));
  for (const [name, want] of uninterrupted.params) assert.deepEqual(last.params.get(name), want, name);
  assert.deepEqual(readFileSync(join(parts, 'checkpoint.safetensors')), readFileSync(join(whole, 'checkpoint.safetensors')));
  const mixingOnly = tempDir();
  await finetune(options(mixingOnly, { config: { ...config, mixup, cutmix } }));
  assert.notDeepEqual(metrics(mixingOnly), metrics(whole), 'RandAugment and erasing changed the training');
  // Each alone changes it too (erasing draws from its own stream, RandAugment from the image's).
  const eraseOnly = tempDir();
  await finetune(options(eraseOnly, { config: { ...config, reprob }, maxSteps: 2 }));
  const plainShort = tempDir();
  await finetune(options(plainShort, { maxSteps: 2 }));
  // The optimizer moments after two steps (the files' settings differ anyway, so not their bytes).
  const params = async (dir: string) => (await readFinetuneCheckpoint(join(dir, 'checkpoint.safetensors'))).moments;
  assert.notDeepEqual(await params(eraseOnly), await params(plainShort), 'erasing alone changed the training');
  const randOnly = tempDir();
  await finetune(options(randOnly, { config: { ...config, randAugment }, maxSteps: 2 }));
  assert.notDeepEqual(await params(randOnly), await params(plainShort), 'RandAugment alone changed the training');
});

test('a resume with other RandAugment or erasing settings is refused naming them', async () => {
  const dir = tempDir();
  const on = { ...config, randAugment: { ops: 2, magnitude: 9, std: 0.5 }, reprob: 0.25 };
  await finetune(options(dir, { config: on, maxSteps: 1 }));
  await assert.rejects(finetune(options(dir, { resume: true, config: { ...on, randAugment: { ops: 2, magnitude: 5, std: 0.5 }, reprob: 0.1 } })), /randAugment: the run has \{"ops":2,"magnitude":9,"std":0\.5\}, this command \{"ops":2,"magnitude":5,"std":0\.5\}\n.*reprob: the run has 0\.25, this command 0\.1/);
  await assert.rejects(finetune(options(dir, { resume: true })), /randAugment: the run has .*, this command none\n.*reprob: the run has 0\.25, this command none/);
});

test('an interrupt stops after the current step with a checkpoint at that step', async () => {
  const dir = tempDir();
  const result = await finetune(options(dir, { interrupted: () => true }));
  assert.deepEqual(result.kind === 'stopped' && result.position, { step: 1, epoch: 0, batchInEpoch: 1 });
  assert.deepEqual((await readFinetuneCheckpoint(join(dir, 'checkpoint.safetensors'))).meta.position, { step: 1, epoch: 0, batchInEpoch: 1 });
});

test('checkpoints are written every N steps mid-epoch; resuming cuts metrics written after the checkpoint', async () => {
  const dir = tempDir();
  const long = { ...config, epochs: 1, batchSize: 8, trainLimit: 168 }; // 21 steps
  const savedAt: number[] = [];
  const write: AtomicWriter = async (path, data) => {
    await writeFileAtomic(path, data);
    savedAt.push((await readFinetuneCheckpoint(path)).meta.position.step);
  };
  assert.equal((await finetune(options(dir, { config: long, maxSteps: 20, write }))).kind, 'stopped');
  assert.deepEqual(savedAt, [3, 6, 9, 12, 15, 18, 20]);
  // What a crash after the checkpoint would leave: a later step's line and a torn one.
  appendFileSync(join(dir, 'metrics.jsonl'), '{"kind":"step","epoch":0,"step":21,"loss":9}\n{"kind":"ep');
  assert.equal((await finetune(options(dir, { config: long, resume: true }))).kind, 'finished');
  assert.deepEqual(metrics(dir).map((r) => [(r as { kind: string }).kind, (r as { step: number }).step]), [['step', 20], ['epoch', 21]]);
});

test('a resume with other settings is refused naming each difference, and the checkpoint is kept', async () => {
  const dir = tempDir();
  await finetune(options(dir, { maxSteps: 2 }));
  const before = readFileSync(join(dir, 'checkpoint.safetensors'));
  await assert.rejects(finetune(options(dir, { resume: true, config: { ...config, epochs: 3, blocks: 1 } })), /cannot resume from .*checkpoint\.safetensors.*\n.*epochs: the run has 2, this command 3\n.*blocks: the run has none, this command 1/);
  await assert.rejects(finetune(options(dir, { resume: true, info: { mode: 'scratch', data: SYNTH } })), /mode: the run has finetune, this command scratch/);
  assert.deepEqual(readFileSync(join(dir, 'checkpoint.safetensors')), before);
});

test('a maec-finetune/1 checkpoint (epoch-granular, older maec) is refused with a clear message', async () => {
  const dir = tempDir();
  await saveSafetensors(join(dir, 'checkpoint.safetensors'), new Map([['head.bias', { shape: [4], data: new Float32Array(4) }]]), { format: 'maec-finetune/1', epoch: '1', step: '4' });
  await assert.rejects(finetune(options(dir, { resume: true })), /checkpoint\.safetensors: a maec-finetune\/1 checkpoint from an earlier maec.*in another --out/);
});

test('--resume without a checkpoint starts afresh', async () => {
  const result = await finetune(options(tempDir(), { resume: true, maxSteps: 1 }));
  assert.deepEqual(result.kind === 'stopped' && result.position, { step: 1, epoch: 0, batchInEpoch: 1 });
});
