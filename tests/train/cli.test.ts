import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { readCheckpoint } from '../../runtime/checkpoint/index.ts';
import { ROOT, runCli, tempDir, TINY_DATA, TINY_SPEC_PATH } from './helpers.ts';

const spec = relative(ROOT, TINY_SPEC_PATH);

test('maec pretrain trains a tiny synthetic run end to end and writes every output', async () => {
  const out = join(tempDir(), 'run');
  const r = await runCli(['pretrain', spec, '--data', TINY_DATA, '--epochs', '1', '--batch', '32', '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /backend \w+: /);
  assert.match(r.stdout, /finished 1 epochs \(8 steps\)/);
  for (const f of ['spec.json', 'checkpoint.safetensors', 'loss.png', 'reconstructions/epoch-001.png']) assert.ok(existsSync(join(out, f)), `${f} missing`);
  const lines = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { kind?: string });
  assert.equal(lines.filter((l) => l.kind === undefined).length, 8, 'one line per step');
  assert.equal(lines.filter((l) => l.kind === 'heldout').length, 2, 'a held-out line before training and after the epoch');
  assert.match(r.stdout, /epoch 1\/1 done: held-out loss \d\.\d{4} \(\d+% of the trivial predictor's \d\.\d{4}\)/);
});

/** A one-epoch pretraining that gets `signal` once its first step is printed. */
async function interruptedRun(signal: NodeJS.Signals) {
  const out = join(tempDir(), 'run');
  let sent = false;
  const r = await runCli(['pretrain', spec, '--data', 'synthetic:train=2048,test=16', '--epochs', '1', '--batch', '32', '--out', out], (text, child) => {
    if (!sent && /step 1\//.test(text)) {
      sent = true;
      child.kill(signal);
    }
  });
  assert.equal(r.code, 130, r.stderr);
  assert.match(r.stdout, /stopped at step \d+ .*checkpoint saved/);
  assert.ok(existsSync(join(out, 'checkpoint.safetensors')));
  return out;
}

test('Ctrl-C saves a checkpoint and exits with 130; --resume then finishes the run', async () => {
  const out = await interruptedRun('SIGINT');
  const resumed = await runCli(['pretrain', '--resume', '--out', out]);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stdout, /finished 1 epochs \(64 steps\)/);
});

test('SIGTERM (a job scheduler stopping the run) saves a checkpoint and exits with 130, like Ctrl-C', async () => {
  await interruptedRun('SIGTERM');
});

test('a --limit run stopped with --steps and resumed with a bare --resume equals the uninterrupted run', async () => {
  const base = ['pretrain', spec, '--data', 'synthetic:train=512,test=16', '--epochs', '2', '--batch', '32', '--limit', '96', '--checkpoint-every', '2'];
  const whole = join(tempDir(), 'whole');
  assert.equal((await runCli([...base, '--out', whole])).code, 0);
  const parts = join(tempDir(), 'parts');
  const first = await runCli([...base, '--out', parts, '--steps', '2']);
  assert.equal(first.code, 0, first.stderr);
  // The command maec prints after --steps, as it prints it.
  assert.match(first.stdout, /continue with: maec pretrain --resume --out /);
  const resumed = await runCli(['pretrain', '--resume', '--out', parts]);
  assert.equal(resumed.code, 0, resumed.stderr);
  // 96 images at batch 32: 3 steps an epoch, not the 16 of all 512.
  assert.match(resumed.stdout, /finished 2 epochs \(6 steps\)/);
  const steps = (dir: string) => readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>).map(({ imagesPerSecond: _, ...r }) => r);
  assert.deepEqual(steps(parts), steps(whole));
  assert.deepEqual(readFileSync(join(parts, 'checkpoint.safetensors')), readFileSync(join(whole, 'checkpoint.safetensors')));
});

test('--resume with a flag that differs from the recorded run is refused, naming each difference, and changes nothing', async () => {
  const out = join(tempDir(), 'run');
  assert.equal((await runCli(['pretrain', spec, '--data', TINY_DATA, '--epochs', '2', '--batch', '32', '--limit', '64', '--out', out, '--steps', '1'])).code, 0);
  const before = readFileSync(join(out, 'checkpoint.safetensors'));
  const r = await runCli(['pretrain', '--resume', '--out', out, '--limit', '128', '--epochs', '3', '--batch', '32']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /--epochs: the run has 2, this command 3/);
  assert.match(r.stderr, /--limit: the run has 64, this command 128/);
  assert.doesNotMatch(r.stderr, /--batch/, 'an equal flag is no difference');
  assert.deepEqual(readFileSync(join(out, 'checkpoint.safetensors')), before);
  for (const [flag, text, message] of [
    ['--checkpoint-every', 'abc', /--checkpoint-every must be a non-negative integer, found abc/],
    ['--epochs', 'two', /--epochs must be a number, found two/],
  ] as const) {
    const typo = await runCli(['pretrain', '--resume', '--out', out, flag, text]);
    assert.equal(typo.code, 2, `${flag} ${text}: ${typo.stderr}`);
    assert.match(typo.stderr, message);
    assert.doesNotMatch(typo.stderr, /NaN/);
  }
  assert.deepEqual(readFileSync(join(out, 'checkpoint.safetensors')), before);
  const same = await runCli(['pretrain', '--resume', '--out', out, '--limit', '64']);
  assert.equal(same.code, 0, same.stderr);
});

test('a missing data folder is a run error naming the path', async () => {
  const r = await runCli(['pretrain', spec, '--data', 'folder:/no/such/folder', '--out', join(tempDir(), 'run')]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /DATA002.*\/no\/such\/folder/);
});

test('a model whose channels do not fit the data is refused before training', async () => {
  const out = join(tempDir(), 'run');
  const r = await runCli(['pretrain', spec, '--data', 'synthetic:channels=3', '--out', out]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /TRAIN004 .*3-channel.*1 channel/);
  assert.equal(existsSync(out), false);
});

test('a non-empty run folder without --resume is refused', async () => {
  const out = tempDir();
  const r = await runCli(['pretrain', spec, '--data', TINY_DATA, '--out', out, '--epochs', '1']);
  assert.equal(r.code, 0, r.stderr);
  const again = await runCli(['pretrain', spec, '--data', TINY_DATA, '--out', out]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /TRAIN002 run folder .* is not empty .*--resume/);
});

test('bad flags are usage errors (exit 2) saying what was expected', async () => {
  const r = await runCli(['pretrain', spec, '--batch', 'zero']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--batch must be a positive integer, found zero/);
  const unknown = await runCli(['pretrain', spec, '--bacth', '3']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown flag --bacth/);
});

test('--augment overrides the spec, is recorded in spec.json and the checkpoint, and --resume keeps it', async () => {
  const out = join(tempDir(), 'run');
  const r = await runCli(['pretrain', spec, '--data', TINY_DATA, '--epochs', '1', '--batch', '32', '--steps', '2', '--augment', 'crop+jitter', '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /augment crop\+jitter, seed 0/);
  assert.equal(JSON.parse(readFileSync(join(out, 'spec.json'), 'utf8')).augment, 'crop+jitter');
  assert.equal(((await readCheckpoint(join(out, 'checkpoint.safetensors'))).meta.spec as { augment?: unknown }).augment, 'crop+jitter');
  const other = await runCli(['pretrain', '--resume', '--out', out, '--augment', 'none']);
  assert.equal(other.code, 1, 'another augmentation would be another run');
  assert.match(other.stderr, /--augment: the run has crop\+jitter, this command none/);
  const resumed = await runCli(['pretrain', '--resume', '--out', out]);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stdout, /augment crop\+jitter, seed 0/);
  assert.match(resumed.stdout, /finished 1 epochs \(8 steps\)/);
});

test('without --augment a run uses the spec\'s augmentation, the recipe crop by default', async () => {
  const out = join(tempDir(), 'run');
  const r = await runCli(['pretrain', spec, '--data', TINY_DATA, '--epochs', '1', '--batch', '32', '--steps', '1', '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /augment crop, seed 0/);
  assert.equal(JSON.parse(readFileSync(join(out, 'spec.json'), 'utf8')).augment, 'crop');
});

test('an unknown --augment is a usage error listing the choices', async () => {
  const r = await runCli(['pretrain', spec, '--augment', 'pretrain']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--augment must be one of none, crop-fixed, crop, crop\+jitter, found pretrain/);
});

test('resuming a run started with --augment accepts its model file again and keeps the recorded augment', async () => {
  const out = join(tempDir(), 'run');
  const r = await runCli(['pretrain', spec, '--data', TINY_DATA, '--epochs', '1', '--batch', '32', '--steps', '1', '--augment', 'none', '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  const resumed = await runCli(['pretrain', spec, '--resume', '--out', out, '--steps', '1']);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stderr, /resuming with the run's recorded augment none, not .*tiny-16\.json's crop/);
  assert.match(resumed.stdout, /augment none, seed 0/);
});

test('a spec with mask tokens in the encoder pretrains the symmetric baseline, and its encoder probes', async () => {
  const dir = tempDir();
  const symmetric = { ...JSON.parse(readFileSync(TINY_SPEC_PATH, 'utf8')), maskTokensInEncoder: true };
  writeFileSync(join(dir, 'symmetric.json'), JSON.stringify(symmetric));
  const out = join(dir, 'run');
  const r = await runCli(['pretrain', join(dir, 'symmetric.json'), '--data', TINY_DATA, '--epochs', '1', '--batch', '32', '--steps', '2', '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  const names = [...(await readCheckpoint(join(out, 'checkpoint.safetensors'))).file.tensors.keys()];
  assert.ok(names.includes('encoder_mask_token'), 'the encoder has its mask token');
  assert.ok(!names.includes('mask_token'), 'the decoder of the symmetric baseline takes the encoder output as is');
  const probe = await runCli(['probe', out, '--data', 'synthetic:train=64,test=16,size=16,channels=1,classes=2', '--epochs', '1', '--warmup', '0', '--batch', '32']);
  assert.equal(probe.code, 0, probe.stderr);
  assert.match(probe.stdout, /top-1 \d+\.\d\d%/);
});

test('a run whose estimated memory exceeds the wasm heap is refused before anything is made, naming --batch and the figure', async () => {
  const dir = tempDir();
  const specPath = join(dir, 'big.json');
  // No image: 224x224x3 with patch 4, 3137 tokens per image.
  writeFileSync(specPath, JSON.stringify({ encoder: { patch: 4, width: 64, depth: 4, heads: 4 }, decoder: { width: 64, depth: 2, heads: 4 }, mask: 0.75 }));
  const out = join(dir, 'run');
  const r = await runCli(['pretrain', specPath, '--batch', '64', '--out', out]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /MEM001 --batch: a training step at batch 64 needs about [\d.]+ GiB.*use --batch \d+ or less/);
  assert.equal(existsSync(out), false);
});
