import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { finetuneCommand } from '../../cli/commands/finetune.ts';
import { probeCommand } from '../../cli/commands/probe.ts';
import { bufferIo } from '../../cli/io.ts';
import { loadSafetensors, saveSafetensors, toFloat32 } from '../../runtime/io/index.ts';
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
  assert.match((await call(finetuneCommand, run, '--data', SYNTH, '--epochs', '0')).err, /--epochs is out of range: must be a positive integer, found 0/);
  assert.equal((await call(finetuneCommand, run, '--data', SYNTH, '--blocks', '3')).code, 2, 'more blocks than the depth');
  assert.equal((await call(finetuneCommand, run, '--data', SYNTH, '--bogus')).code, 2);
  assert.equal((await call(finetuneCommand, '--scratch', run, '--data', SYNTH, '--blocks', '1')).code, 2);
  assert.equal((await call(probeCommand, run, '--data', SYNTH, '--blr', 'fast')).code, 2);
  assert.match((await call(probeCommand, run, '--data', SYNTH, '--pool', 'max')).err, /--pool must be one of cls, mean, got max/);
});

test('probe --scratch probes the spec\'s encoder at random init, with no checkpoint', async () => {
  const out = join(run, 'probe-scratch');
  const r = await call(probeCommand, '--scratch', join(run, 'spec.json'), '--data', SYNTH, '--epochs', '2', '--warmup', '0', '--out', out);
  assert.equal(r.code, 0, r.err);
  const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'));
  assert.equal(result.mode, 'probe-scratch');
  assert.equal(result.checkpoint, null);
  assert.equal(result.model, join(run, 'spec.json'));
  assert.equal((await call(probeCommand, run, '--data', SYNTH, '--export', 'x')).code, 2, '--export without --scratch');
  const missing = await call(probeCommand, '--scratch', join(run, 'nope.json'), '--data', SYNTH);
  assert.equal(missing.code, 2);
  assert.match(missing.err, /no such file .*nope\.json/);
});

test('a model whose channels the data cannot fill is exit 1 before any batch, in probe and in finetune', async () => {
  const spec = JSON.parse(readFileSync(join(run, 'spec.json'), 'utf8'));
  const twoChannels = join(run, 'two-channels.json');
  writeFileSync(twoChannels, JSON.stringify({ ...spec, image: { ...spec.image, channels: 2 } }));
  for (const cmd of [probeCommand, finetuneCommand]) {
    const r = await call(cmd, '--scratch', twoChannels, '--data', SYNTH, '--epochs', '1', '--warmup', '0', '--out', join(run, `two-channels-${cmd.name}`));
    assert.equal(r.code, 1, cmd.name);
    assert.match(r.err, new RegExp(`^maec ${cmd.name}: DATA005 model channels must be 1 or 3 to take image data, found 2 \\(model: 2 channel\\(s\\), 16x16\\)`, 'm'));
  }
});

test('probe --pool mean records its pooling in result.json', async () => {
  const out = join(run, 'probe-mean');
  const r = await call(probeCommand, run, '--data', SYNTH, '--epochs', '2', '--warmup', '0', '--pool', 'mean', '--out', out);
  assert.equal(r.code, 0, r.err);
  assert.equal(JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')).pooling, 'mean');
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

test('finetune stopped by --steps resumes mid-epoch with the same command, and refuses other settings', async () => {
  const out = join(run, 'ft');
  const common = [run, '--data', SYNTH, '--batch', '32', '--warmup', '0', '--train-limit', '64', '--test-limit', '32', '--epochs', '2', '--out', out];
  const stopped = await call(finetuneCommand, ...common, '--steps', '1');
  assert.equal(stopped.code, 0, stopped.err);
  assert.match(stopped.err, /stopped at step 1 \(epoch 1, batch 1\).*--resume/);
  const resumed = await call(finetuneCommand, ...common, '--resume');
  assert.equal(resumed.code, 0, resumed.err);
  assert.match(resumed.err, /resuming at epoch 1, batch 1 \(step 1\)/);
  const epochs = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((r) => r.kind === 'epoch');
  assert.deepEqual(epochs.map((e) => e.epoch), [0, 1]);
  assert.ok(existsSync(join(out, 'confusion.png')));
  const other = await call(finetuneCommand, ...common, '--blocks', '1', '--resume');
  assert.equal(other.code, 1);
  assert.match(other.err, /cannot resume from .*checkpoint\.safetensors[^]*mode: the run has finetune, this command finetune-blocks1[^]*blocks: the run has none, this command 1/);
});

test('finetune without --resume into a folder holding a run is refused with exit 1 and changes nothing', async () => {
  const out = join(run, 'ft-finished');
  const args = [run, '--data', SYNTH, '--batch', '32', '--warmup', '0', '--train-limit', '64', '--test-limit', '32', '--epochs', '1', '--out', out];
  const first = await call(finetuneCommand, ...args);
  assert.equal(first.code, 0, first.err);
  const before = new Map(readdirSync(out).map((name) => [name, readFileSync(join(out, name))]));
  const again = await call(finetuneCommand, ...args);
  assert.equal(again.code, 1, again.err);
  assert.match(again.err, /^maec finetune: run folder .*ft-finished is not empty \(checkpoint\.safetensors, confusion\.png, metrics\.jsonl, \.\.\.\); pass --resume to continue that run, or choose another --out$/m);
  assert.deepEqual(new Map(readdirSync(out).map((name) => [name, readFileSync(join(out, name))])), before);
});

test('finetune loads the encoder through the checkpoint reader: a missing tensor is exit 1 naming file and tensor', async () => {
  const broken = await fakeRun({ drop: 'blocks.1.mlp.fc2.weight' });
  for (const cmd of [finetuneCommand, probeCommand]) {
    const r = await call(cmd, broken, '--data', SYNTH);
    assert.equal(r.code, 1);
    assert.match(r.err, /checkpoint\.safetensors: weights do not match the model[^]*blocks\.1\.mlp\.fc2\.weight: missing/);
  }
});

test('probe and finetune refuse a checkpoint of an unknown format with exit 1, naming file, format found and expected', async () => {
  const other = await fakeRun();
  const file = join(other, 'checkpoint.safetensors');
  const tensors = new Map([...(await loadSafetensors(file)).tensors].map(([name, t]) => [name, { shape: t.shape, data: toFloat32(t) }]));
  await saveSafetensors(file, tensors, { format: 'maec-pretrain/99' });
  for (const cmd of [probeCommand, finetuneCommand]) {
    const r = await call(cmd, other, '--data', SYNTH, '--epochs', '1', '--warmup', '0', '--out', join(other, cmd.name));
    assert.equal(r.code, 1, r.err);
    assert.match(r.err, /checkpoint\.safetensors: cannot load a pretrained encoder from checkpoint format maec-pretrain\/99; expected maec-pretrain\/1/);
    assert.equal(existsSync(join(other, cmd.name)), false, `${cmd.name} wrote nothing`);
  }
});

test('Ctrl-C during fine-tuning saves a checkpoint and exits 130; --resume then finishes', async () => {
  const out = join(run, 'ft-sigint');
  // 64 steps: the non-TTY progress prints a line at step 50, when the signal goes.
  const args = ['finetune', run, '--data', 'synthetic:train=2048,test=32,size=16,channels=1,classes=4,seed=3', '--batch', '32', '--epochs', '1', '--test-limit', '32', '--out', out];
  const r = await runCli(args, (err, child) => /50\/64 epoch/.test(err) && child.kill('SIGINT'));
  assert.equal(r.code, 130, r.stderr);
  assert.match(r.stderr, /interrupted; saving a checkpoint[^]*stopped at step 5\d .*checkpoint saved/);
  const resumed = await runCli([...args, '--resume']);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stderr, /resuming at epoch 1, batch 5\d/);
  assert.ok(existsSync(join(out, 'result.json')));
});

/** Runs `node bin/maec.js ...args`; `onStderr` sees the error output as it comes (to send signals). */
function runCli(args: readonly string[], onStderr?: (text: string, child: ReturnType<typeof spawn>) => unknown): Promise<{ code: number | null; stderr: string }> {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(root, 'bin/maec.js'), ...args], { cwd: root });
    let stderr = '';
    let signalled = false;
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (!signalled && onStderr?.(stderr, child)) signalled = true;
    });
    child.stdout.resume();
    child.on('close', (code) => resolve({ code, stderr }));
  });
}
