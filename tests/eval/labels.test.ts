import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { finetuneCommand } from '../../cli/commands/finetune.ts';
import { probeCommand } from '../../cli/commands/probe.ts';
import { bufferIo } from '../../cli/io.ts';
import { buildGraph } from '../../compiler/build/mae.ts';
import { labelledTrainImages, openDataset } from '../../runtime/data/index.ts';
import { extractFeatures } from '../../runtime/eval/features.ts';
import { initialParams } from '../../runtime/init.ts';
import { Rng } from '../../runtime/rng.ts';
import { openTarget } from '../../runtime/tfjs/target.ts';
import { SYNTH, tinySpec } from './fixtures.ts';
import { fakeRun } from './run-fixture.ts';

const run = await fakeRun();
const dataset = await openDataset(SYNTH);
// SYNTH's 256 training images: 10% of each class, max(1, round(0.1 n_c)), summed.
const tenPercent = labelledTrainImages(dataset, { percent: 10, seed: 0 }).indices;

async function call(cmd: typeof probeCommand, ...argv: string[]) {
  const io = bufferIo(run);
  const code = await cmd.run(argv, io);
  return { code, out: io.stdout.join(''), err: io.stderr.join('') };
}

const readResult = (dir: string) => JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8'));

test('probe --labels 10% trains the head on the subset only and records it in result.json', async () => {
  const out = join(run, 'probe-10');
  const r = await call(probeCommand, run, '--data', SYNTH, '--labels', '10%', '--epochs', '2', '--warmup', '0', '--out', out);
  assert.equal(r.code, 0, r.err);
  const n = tenPercent.length;
  assert.match(r.err, new RegExp(`training on ${n} of 256 labelled images \\(10%, stratified, label seed 0\\)`));
  assert.match(r.err, new RegExp(`features: ${n} train, 64 test`), 'the test split is whole');
  const result = readResult(out);
  assert.deepEqual(result.labels, { percent: 10, seed: 0, images: n });
  assert.deepEqual(result.config.labels, { percent: 10, seed: 0, images: n });
  const seeded = join(run, 'probe-10-seed3');
  const s = await call(probeCommand, run, '--data', SYNTH, '--labels', '0.1', '--label-seed', '3', '--epochs', '2', '--warmup', '0', '--out', seeded);
  assert.equal(s.code, 0, s.err);
  assert.deepEqual(readResult(seeded).labels, { percent: 10, seed: 3, images: n });
});

test('a probe without --labels records all the training labels and no labels in its config', async () => {
  const out = join(run, 'probe-all');
  const r = await call(probeCommand, run, '--data', SYNTH, '--epochs', '1', '--warmup', '0', '--train-limit', '100', '--out', out);
  assert.equal(r.code, 0, r.err);
  assert.doesNotMatch(r.err, /labelled images/);
  const result = readResult(out);
  assert.deepEqual(result.labels, { percent: 100, seed: 0, images: 100 });
  assert.equal(result.config.labels, undefined);
});

test('the probe computes the features of the subset\'s images only, the same as those images\' features in the whole split', async () => {
  const target = await openTarget('cpu');
  const encoder = buildGraph(tinySpec, 'encoder');
  const init = initialParams(encoder.params, Rng.fromSeed(4));
  const params = new Map(encoder.params.map((p) => [p.name, tf.tensor(init.get(p.name)!, [...p.shape])]));
  let batches = 0;
  const some = await extractFeatures(dataset, 'train', encoder, target, params, 'cls', { batchSize: 8, indices: tenPercent, onBatch: () => batches++ });
  const all = await extractFeatures(dataset, 'train', encoder, target, params, 'cls', { batchSize: 64 });
  assert.equal(some.labels.length, tenPercent.length);
  assert.equal(batches, Math.ceil(tenPercent.length / 8));
  let worst = 0;
  tenPercent.forEach((image, k) => {
    assert.equal(some.labels[k], all.labels[image]);
    for (let d = 0; d < some.dim; d++) worst = Math.max(worst, Math.abs(some.features[k * some.dim + d]! - all.features[image * all.dim + d]!));
  });
  tf.dispose([...params.values()]);
  assert.ok(worst < 1e-5, `worst feature difference ${worst}`);
});

test('finetune --scratch --labels 10% trains on the subset and records it in result.json and the checkpoint', async () => {
  const out = join(run, 'ft-10');
  const r = await call(finetuneCommand, '--scratch', join(run, 'spec.json'), '--data', SYNTH, '--labels', '10%', '--batch', '8', '--epochs', '1', '--warmup', '0', '--test-limit', '16', '--out', out);
  assert.equal(r.code, 0, r.err);
  const n = tenPercent.length;
  assert.match(r.err, new RegExp(`training on ${n} of 256 labelled images \\(10%, stratified, label seed 0\\)`));
  const steps = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((e) => e.kind === 'epoch').map((e) => e.step);
  assert.deepEqual(steps, [Math.floor(n / 8)], 'one epoch is the subset in batches of 8, the last partial one dropped');
  const result = readResult(out);
  assert.deepEqual(result.labels, { percent: 10, seed: 0, images: n });
  assert.deepEqual(result.config.labels, { percent: 10, seed: 0, images: n });
});

test('finetune --resume with other --labels or another --label-seed is refused; with the same it continues', async () => {
  const out = join(run, 'ft-resume');
  const common = ['--scratch', join(run, 'spec.json'), '--data', SYNTH, '--batch', '8', '--epochs', '1', '--warmup', '0', '--test-limit', '16', '--out', out];
  const stopped = await call(finetuneCommand, ...common, '--labels', '10%', '--steps', '1');
  assert.equal(stopped.code, 0, stopped.err);
  const other = await call(finetuneCommand, ...common, '--labels', '20%', '--resume');
  assert.equal(other.code, 1);
  assert.match(other.err, /cannot resume from .*checkpoint\.safetensors[^]*labels: the run has \{"percent":10,"seed":0,"images":\d+\}, this command \{"percent":20/);
  const seed = await call(finetuneCommand, ...common, '--labels', '10%', '--label-seed', '1', '--resume');
  assert.equal(seed.code, 1);
  assert.match(seed.err, /labels: the run has \{"percent":10,"seed":0,.*this command \{"percent":10,"seed":1/);
  const none = await call(finetuneCommand, ...common, '--resume');
  assert.equal(none.code, 1);
  assert.match(none.err, /labels: the run has \{"percent":10.*this command none/);
  assert.ok(!existsSync(join(out, 'result.json')));
  const same = await call(finetuneCommand, ...common, '--labels', '0.1', '--resume');
  assert.equal(same.code, 0, same.err);
  assert.match(same.err, /resuming at epoch 1, batch 1 \(step 1\)/);
});

test('bad --labels and --label-seed values are usage errors (2) naming the flag and the value, in probe and finetune', async () => {
  for (const cmd of [probeCommand, finetuneCommand]) {
    for (const bad of ['0', '-1%', '150%', 'abc', '10%%']) {
      const r = await call(cmd, run, '--data', SYNTH, '--labels', bad, '--out', join(run, `never-${cmd.name}`));
      assert.equal(r.code, 2, `${cmd.name} --labels ${bad}`);
      assert.match(r.err, new RegExp(`^maec ${cmd.name}: --labels must be a percentage in \\(0%, 100%\\] such as 10% or 0\\.5%, or a fraction in \\(0, 1\\] such as 0\\.1, found ("?)${bad.replace(/[%.-]/g, (c) => `\\${c}`)}\\1`, 'm'));
    }
    const seed = await call(cmd, run, '--data', SYNTH, '--labels', '10%', '--label-seed', 'x', '--out', join(run, `never-${cmd.name}`));
    assert.equal(seed.code, 2);
    assert.match(seed.err, /--label-seed must be a non-negative integer, found x/);
    assert.ok(!existsSync(join(run, `never-${cmd.name}`)), 'nothing written');
  }
});

test('--help of probe and finetune describes --labels and --label-seed', async () => {
  for (const cmd of [probeCommand, finetuneCommand]) {
    const r = await call(cmd, '--help');
    assert.match(r.out, /--labels P +train on P of the labelled training images/);
    assert.match(r.out, /--label-seed S +seed of the --labels subset/);
  }
});
