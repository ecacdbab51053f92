import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT, runCli, tempDir, TINY_SPEC_PATH } from './helpers.ts';

/** Data-parallel pretraining and fine-tuning through the CLI (runtime/parallel). */
const spec = relative(ROOT, TINY_SPEC_PATH);
const DATA = 'synthetic:train=256,test=16';

function records(dir: string): Record<string, unknown>[] {
  return readFileSync(join(dir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .map(({ imagesPerSecond: _, seconds: __, ...r }) => r);
}

function worstLossDifference(a: Record<string, unknown>[], b: Record<string, unknown>[], key: string): number {
  assert.equal(a.length, b.length);
  let worst = 0;
  for (const [i, r] of a.entries()) {
    const x = r[key];
    const y = b[i]![key];
    if (typeof x === 'number' && typeof y === 'number') worst = Math.max(worst, Math.abs(x - y) / Math.abs(y));
  }
  return worst;
}

test('pretraining with 3 threads logs the one-thread losses within 1e-5 relative', async (t) => {
  const runs: string[] = [];
  for (const threads of ['1', '3']) {
    const out = join(tempDir(), `t${threads}`);
    const r = await runCli(['pretrain', spec, '--data', DATA, '--epochs', '1', '--batch', '32', '--threads', threads, '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`${threads} training threads? \\(requested with --threads\\)`));
    runs.push(out);
  }
  const worst = worstLossDifference(records(runs[1]!), records(runs[0]!), 'loss');
  t.diagnostic(`worst relative loss difference, 3 threads vs 1: ${worst.toExponential(2)}`);
  assert.ok(worst < 1e-5, `${worst}`);
});

test('with 2 threads a run stopped with --steps and resumed equals the uninterrupted run, and --resume keeps the count', async () => {
  const base = ['pretrain', spec, '--data', DATA, '--epochs', '2', '--batch', '32', '--limit', '96', '--checkpoint-every', '2', '--threads', '2'];
  const whole = join(tempDir(), 'whole');
  assert.equal((await runCli([...base, '--out', whole])).code, 0);
  const parts = join(tempDir(), 'parts');
  assert.equal((await runCli([...base, '--out', parts, '--steps', '2'])).code, 0);
  const other = await runCli(['pretrain', '--resume', '--out', parts, '--threads', '1']);
  assert.equal(other.code, 1);
  assert.match(other.stderr, /--threads: the run has 2, this command 1/);
  const resumed = await runCli(['pretrain', '--resume', '--out', parts]);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stdout, /2 training threads \(recorded by the run\)/);
  assert.deepEqual(records(parts), records(whole));
  assert.deepEqual(readFileSync(join(parts, 'checkpoint.safetensors')), readFileSync(join(whole, 'checkpoint.safetensors')));
});

test('fine-tuning with 2 threads follows the one-thread run (drop path and label smoothing sharded with the batch)', async (t) => {
  const run = join(tempDir(), 'run');
  assert.equal((await runCli(['pretrain', spec, '--data', DATA, '--epochs', '1', '--batch', '32', '--out', run])).code, 0);
  const outs: string[] = [];
  for (const threads of ['1', '2']) {
    const out = join(tempDir(), `ft${threads}`);
    const r = await runCli(['finetune', run, '--data', DATA, '--epochs', '2', '--warmup', '0', '--batch', '32', '--threads', threads, '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    outs.push(out);
  }
  const worst = worstLossDifference(records(outs[1]!), records(outs[0]!), 'loss');
  const worstEpoch = worstLossDifference(records(outs[1]!), records(outs[0]!), 'train_loss');
  t.diagnostic(`worst relative difference, 2 threads vs 1: step loss ${worst.toExponential(2)}, epoch loss ${worstEpoch.toExponential(2)}`);
  assert.ok(Math.max(worst, worstEpoch) < 1e-5);
});

test('--threads above one on a backend that is not wasm or cpu, or not a count, is a usage error', async () => {
  const out = join(tempDir(), 'bad');
  const r = await runCli(['pretrain', spec, '--data', DATA, '--threads', 'many', '--out', out]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--threads must be a positive integer, found many/);
});

test('a probe whose features 2 threads extract trains the head the one-thread features train', async (t) => {
  const run = join(tempDir(), 'run');
  assert.equal((await runCli(['pretrain', spec, '--data', DATA, '--epochs', '1', '--batch', '32', '--out', run])).code, 0);
  const outs: string[] = [];
  for (const threads of ['1', '2']) {
    const out = join(tempDir(), `probe${threads}`);
    const r = await runCli(['probe', run, '--data', DATA, '--epochs', '3', '--warmup', '1', '--batch', '64', '--threads', threads, '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`${threads} feature threads? \\(requested with --threads\\)`));
    outs.push(out);
  }
  const worst = Math.max(...['loss', 'train_loss'].map((k) => worstLossDifference(records(outs[1]!), records(outs[0]!), k)));
  t.diagnostic(`worst relative loss difference of the probe head, 2 feature threads vs 1: ${worst.toExponential(2)}`);
  assert.ok(worst < 1e-5, `${worst}`);
  const top1 = (dir: string) => (JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')) as { top1: number }).top1;
  assert.equal(top1(outs[1]!), top1(outs[0]!));
});
