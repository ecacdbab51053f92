import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { finetuneCommand } from '../../cli/commands/finetune.ts';
import { probeCommand } from '../../cli/commands/probe.ts';
import { bufferIo } from '../../cli/io.ts';
import { SYNTH } from './fixtures.ts';
import { fakeRun } from './run-fixture.ts';

const run = await fakeRun();

async function call(cmd: typeof probeCommand, ...argv: string[]) {
  const io = bufferIo(run);
  const code = await cmd.run(argv, io);
  return { code, out: io.stdout.join(''), err: io.stderr.join('') };
}

test('probe without --data is a usage error (2)', async () => {
  const r = await call(probeCommand, run);
  assert.equal(r.code, 2);
  assert.match(r.err, /missing --data SRC/);
});

test('a missing checkpoint is exit 1 and names the path', async () => {
  const r = await call(probeCommand, join(run, 'nope'), '--data', SYNTH);
  assert.equal(r.code, 1);
  assert.match(r.err, /no such run or checkpoint .*nope/);
  const f = await call(finetuneCommand, join(run, 'nope.safetensors'), '--data', SYNTH);
  assert.equal(f.code, 1);
});

test('bad flags are usage errors (2) saying what was expected', async () => {
  assert.match((await call(finetuneCommand, run, '--data', SYNTH, '--epochs', '0')).err, /--epochs must be an integer >= 1, got 0/);
  assert.equal((await call(finetuneCommand, run, '--data', SYNTH, '--blocks', '3')).code, 2, 'more blocks than the depth');
  assert.equal((await call(finetuneCommand, run, '--data', SYNTH, '--bogus')).code, 2);
  assert.equal((await call(finetuneCommand, '--scratch', run, '--data', SYNTH, '--blocks', '1')).code, 2);
  assert.equal((await call(probeCommand, run, '--data', SYNTH, '--blr', 'fast')).code, 2);
});

test('probe runs end to end and writes result.json, confusion.png and metrics.jsonl', async () => {
  const r = await call(probeCommand, run, '--data', SYNTH, '--epochs', '20', '--warmup', '2', '--batch', '64', '--blr', '200');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^top-1 \d+\.\d\d%/);
  const result = JSON.parse(readFileSync(join(run, 'probe', 'result.json'), 'utf8'));
  assert.equal(result.per_class.length, 4);
  assert.ok(result.top1 > 0.5, `probe top-1 ${result.top1} on four easy classes`);
  assert.ok(existsSync(join(run, 'probe', 'confusion.png')));
  assert.equal(readFileSync(join(run, 'probe', 'metrics.jsonl'), 'utf8').trim().split('\n').length, 20);
});

test('finetune runs, checkpoints each epoch, and --resume continues after the last finished epoch', async () => {
  const out = join(run, 'ft');
  const common = [run, '--data', SYNTH, '--batch', '32', '--warmup', '0', '--train-limit', '64', '--test-limit', '32', '--out', out];
  assert.equal((await call(finetuneCommand, ...common, '--epochs', '1')).code, 0);
  const resumed = await call(finetuneCommand, ...common, '--epochs', '2', '--resume');
  assert.equal(resumed.code, 0, resumed.err);
  assert.match(resumed.err, /resuming at epoch 2 \(step 2\)/);
  const epochs = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((r) => r.kind === 'epoch');
  assert.deepEqual(epochs.map((e) => e.epoch), [0, 1]);
  assert.ok(existsSync(join(out, 'confusion.png')));
});
