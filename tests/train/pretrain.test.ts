import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openTarget } from '../../runtime/tfjs/target.ts';
import { openDataset } from '../../runtime/data/index.ts';
import { readHeldOut, readMetrics } from '../../runtime/train/metrics.ts';
import { pretrain, type PretrainOptions } from '../../runtime/train/run.ts';
import { TrainError } from '../../runtime/train/errors.ts';
import { quietReporter, tempDir, tinySpec, TINY_DATA, TINY_HYPER } from './helpers.ts';

async function options(dir: string, extra: Partial<PretrainOptions> = {}): Promise<PretrainOptions> {
  const target = await openTarget('wasm');
  return { spec: tinySpec(), dataset: await openDataset(TINY_DATA), data: TINY_DATA, hyper: TINY_HYPER, dir, resume: false, target, reporter: quietReporter, ...extra };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
/** What must agree between runs (images/s is timing). */
const losses = (dir: string) => readMetrics(join(dir, 'metrics.jsonl')).map((r) => ({ step: r.step, epoch: r.epoch, loss: r.loss, lr: r.lr }));

test('the loss falls over a short synthetic run, and the run folder holds every output', async () => {
  const dir = join(tempDir(), 'run');
  const { result } = await pretrain(await options(dir, { hyper: { ...TINY_HYPER, epochs: 3 } }));
  assert.equal(result.kind, 'finished');
  const loss = losses(dir).map((r) => r.loss);
  assert.equal(loss.length, 24);
  assert.ok(mean(loss.slice(-4)) < 0.9 * mean(loss.slice(0, 4)), `first steps ${mean(loss.slice(0, 4))}, last steps ${mean(loss.slice(-4))}`);
  for (const f of ['spec.json', 'metrics.jsonl', 'checkpoint.safetensors', 'loss.png', 'reconstructions/epoch-001.png', 'reconstructions/epoch-003.png'])
    assert.ok(existsSync(join(dir, f)), `${f} missing`);
});

test('metrics.jsonl holds the held-out loss before training and after each epoch, beside the trivial predictor\'s', async () => {
  const dir = join(tempDir(), 'run');
  const { heldOut } = await pretrain(await options(dir));
  const held = readHeldOut(join(dir, 'metrics.jsonl'));
  assert.deepEqual(held.map((r) => [r.step, r.epoch, r.images]), [[0, 0, 16], [8, 1, 16], [16, 2, 16]]);
  // The trivial predictor sees the same images and masks every time.
  assert.equal(new Set(held.map((r) => r.trivial)).size, 1);
  assert.ok(held.every((r) => Number.isFinite(r.loss) && r.trivial > 0));
  assert.deepEqual(heldOut, { loss: held[2]!.loss, trivial: held[2]!.trivial });
});

test('stopping and resuming gives exactly the losses of an uninterrupted run', async () => {
  const whole = join(tempDir(), 'whole');
  await pretrain(await options(whole));
  const parts = join(tempDir(), 'parts');
  // Stops mid-epoch 1 (step 5), then across the epoch boundary (step 11), then to the end.
  assert.equal((await pretrain(await options(parts, { maxSteps: 5 }))).result.kind, 'stopped');
  assert.equal((await pretrain(await options(parts, { maxSteps: 6, resume: true }))).result.kind, 'stopped');
  assert.equal((await pretrain(await options(parts, { resume: true }))).result.kind, 'finished');
  assert.deepEqual(losses(parts), losses(whole));
  assert.deepEqual(readHeldOut(join(parts, 'metrics.jsonl')), readHeldOut(join(whole, 'metrics.jsonl')));
  assert.deepEqual(readFileSync(join(parts, 'checkpoint.safetensors')), readFileSync(join(whole, 'checkpoint.safetensors')));
});

test('resuming cuts metrics written after the checkpoint, so no step is listed twice', async () => {
  const dir = join(tempDir(), 'run');
  // checkpointEvery 3: the stop at step 4 checkpoints at 4; lines 5.. would come from a crash.
  await pretrain(await options(dir, { maxSteps: 4 }));
  const { appendFileSync } = await import('node:fs');
  appendFileSync(join(dir, 'metrics.jsonl'), '{"step":5,"epoch":0.6,"loss":9,"lr":0,"imagesPerSecond":1}\n{"step":6,"ep');
  await pretrain(await options(dir, { resume: true }));
  const steps = losses(dir).map((r) => r.step);
  assert.deepEqual(steps, Array.from({ length: 16 }, (_, i) => i + 1));
});

test('a new run into a non-empty folder is refused and nothing there changes', async () => {
  const dir = join(tempDir(), 'run');
  await pretrain(await options(dir, { maxSteps: 1 }));
  const before = readFileSync(join(dir, 'checkpoint.safetensors'));
  await assert.rejects(pretrain(await options(dir)), (e: unknown) => e instanceof TrainError && e.code === 'TRAIN002' && /not empty.*--resume/.test(e.message));
  assert.deepEqual(readFileSync(join(dir, 'checkpoint.safetensors')), before);
});

test('data that does not fit the model is refused before training, without creating the folder', async () => {
  const dir = join(tempDir(), 'run');
  const rgb = 'synthetic:train=64,test=8,channels=3';
  await assert.rejects(pretrain(await options(dir, { dataset: await openDataset(rgb), data: rgb })), (e: unknown) => e instanceof TrainError && e.code === 'TRAIN004' && /3-channel.*1 channel/.test(e.message));
  assert.equal(existsSync(dir), false);
});

test('resume without a checkpoint says which file is missing', async () => {
  const dir = tempDir();
  await assert.rejects(pretrain(await options(dir, { resume: true })), (e: unknown) => e instanceof TrainError && e.code === 'TRAIN002' && e.message.includes('checkpoint.safetensors'));
  assert.deepEqual(readdirSync(dir).filter((f) => f !== 'reconstructions'), []);
});
