import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sweepCommand } from '../../cli/commands/sweep.ts';
import { loggedRuns } from '../../sweep/child.ts';
import { bufferIo } from '../../cli/io.ts';
import { FIXTURE, ROOT, runCli, tempDir, TINY_DATA } from './helpers.ts';

const SMALLEST = ['--data', TINY_DATA, '--epochs', '1', '--probe-epochs', '1', '--finetune-epochs', '1', '--limit', '64', '--test-limit', '32', '--workers', '1'];

async function usage(argv: readonly string[]): Promise<{ code: number; err: string }> {
  const io = bufferIo(ROOT);
  const code = await sweepCommand.run(argv, io);
  return { code, err: io.stderr.join('') };
}

test('usage errors exit with 2 and say what is wrong', async () => {
  const cases: [readonly string[], RegExp][] = [
    [['--data', TINY_DATA], /missing <ablation.ts>/],
    [[FIXTURE], /missing --data/],
    [[FIXTURE, '--data', TINY_DATA, '--budget', 'huge'], /--budget must be one of tiny, small, medium, full, found huge/],
    [[FIXTURE, '--data', TINY_DATA, '--workers', '0'], /--workers is out of range: must be a positive integer, found 0/],
    [[FIXTURE, '--data', TINY_DATA, '--epochs', '1.5'], /--epochs must be a positive integer/],
    [[FIXTURE, '--data', TINY_DATA, '--bogus'], /unknown flag --bogus/],
    [['/no/such/ablation.ts', '--data', TINY_DATA], /no such file/],
  ];
  for (const [argv, message] of cases) {
    const r = await usage(argv);
    assert.equal(r.code, 2, argv.join(' '));
    assert.match(r.err, message);
  }
});

test('a sweep runs every variant and its no-pretraining control, reports the failed one with exit 1, writes the table and plot, and a re-run skips finished entries', async () => {
  const out = join(tempDir(), 'sweep');
  const first = await runCli(['sweep', FIXTURE, ...SMALLEST, '--out', out]);
  assert.equal(first.code, 1, first.stderr + first.stdout);
  assert.match(first.stdout, /sweep of 3 variants and 2 no-pretraining controls/);
  assert.match(first.stdout, /FAILED broken: pretrain exited with 1/);
  assert.match(first.stdout, /FAILED no pretraining \(broken\): probe exited with 1/);
  assert.match(first.stdout, /3\/5 finished \(0 skipped as already done\), 2 failed/);

  const csv = readFileSync(join(out, 'results.csv'), 'utf8').trimEnd().split('\n');
  assert.equal(csv.length, 6);
  assert.deepEqual(csv.slice(1).map((l) => l.split(',')[0]), ['mask=0.5', 'mask=0.75', 'broken', 'no pretraining (mask=0.5)', 'no pretraining (broken)']);
  for (const line of [csv[1]!, csv[2]!, csv[4]!]) {
    const cells = line.split(',');
    assert.equal(cells[9], 'done');
    // labels (%), seeds, then each top-1's mean, sd (empty for one seed) and n.
    assert.deepEqual([cells[10], cells[11], cells[13], cells[14]], ['100', '1', '', '1']);
    for (const acc of [cells[12], cells[15]]) assert.ok(acc !== '' && Number(acc) >= 0 && Number(acc) <= 1, line);
  }
  assert.equal(csv[3]!.split(',')[9], 'failed');
  // The control ran the evaluation stages at random init and never pretrained.
  const control = join(out, 'no-pretraining-_mask=0.5_');
  assert.match(readFileSync(join(control, 'probe.log'), 'utf8'), /^\$ maec probe --scratch \S+spec\.json/);
  assert.ok(existsSync(join(control, 'finetune', 'result.json')));
  assert.ok(!existsSync(join(control, 'pretrain.log')));
  assert.match(readFileSync(join(out, 'broken', 'error.log'), 'utf8'), /stage pretrain failed with exit status 1[\s\S]*channels/);
  assert.ok(existsSync(join(out, 'accuracy-vs-mask-ratio.png')));
  const md = readFileSync(join(out, 'results.md'), 'utf8');
  assert.match(md, /\| `mask=0.75` \| variant \| 0.75 \|/);
  assert.match(md, /\| \*\*no pretraining \(mask=0.5\)\*\* \| control \| - \|/);

  const again = await runCli(['sweep', FIXTURE, ...SMALLEST, '--out', out]);
  assert.equal(again.code, 1);
  assert.match(again.stdout, /skipped mask=0.5: already finished/);
  assert.match(again.stdout, /skipped mask=0.75: already finished/);
  assert.match(again.stdout, /skipped no pretraining \(mask=0.5\): already finished/);
  assert.match(again.stdout, /3\/5 finished \(3 skipped as already done\), 2 failed/);
  const pretrains = readFileSync(join(out, 'mask=0.5', 'pretrain.log'), 'utf8').split('\n').filter((l) => l.startsWith('$ maec pretrain'));
  assert.equal(pretrains.length, 1, 'the finished variant was pretrained again');
});

test('a re-run with another budget into the same folder is refused', async () => {
  const out = join(tempDir(), 'sweep');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'sweep.json'), JSON.stringify({ data: TINY_DATA, budget: { epochs: 9 }, seed: 0 }));
  const r = await usage([FIXTURE, ...SMALLEST, '--out', out]);
  assert.equal(r.code, 2);
  assert.match(r.err, /holds a sweep with other settings \(budget/);
});

test('Ctrl-C stops the running stage with a checkpoint, writes the table with the rest not run and exits 130; the same command then resumes it (--no-control: no control row)', async () => {
  const out = join(tempDir(), 'sweep');
  const argv = ['sweep', FIXTURE, '--data', 'synthetic:train=1024,test=32,size=28,channels=1', '--epochs', '10', '--probe-epochs', '1', '--finetune-epochs', '1', '--test-limit', '32', '--no-control', '--out', out];
  const log = join(out, 'mask=0.5', 'pretrain.log');
  const first = await runCli(argv, ROOT, {
    // Once the first variant's pretraining has taken a step, press Ctrl-C (at the sweep only: its stages have their own process group).
    until: () => existsSync(log) && / step \d+\//.test(readFileSync(log, 'utf8')),
    signal: 'SIGINT',
  });
  assert.equal(first.code, 130, first.stderr + first.stdout);
  assert.match(first.stderr, /maec sweep: interrupted; the running stages save a checkpoint and stop/);
  assert.match(first.stdout, /stopped mask=0.5 in pretrain; a re-run continues it/);
  assert.match(first.stdout, /0\/3 finished \(0 skipped as already done\), 0 failed, 3 not run \(interrupted\)/);
  assert.match(first.stderr, /re-run the same command to continue/);
  assert.ok(existsSync(join(out, 'mask=0.5', 'run', 'checkpoint.safetensors')), 'the stage saved a checkpoint');
  assert.ok(!existsSync(join(out, 'mask=0.5', 'error.log')), 'an interrupted stage is not a failure');
  assert.deepEqual(readFileSync(join(out, 'results.csv'), 'utf8').trimEnd().split('\n').slice(1).map((l) => l.split(',')[9]), ['not run', 'not run', 'not run']);

  const again = await runCli(argv);
  assert.equal(again.code, 1, again.stderr + again.stdout);
  assert.match(again.stdout, /2\/3 finished/);
  const pretrains = readFileSync(log, 'utf8').split('\n').filter((l) => l.startsWith('$ maec pretrain'));
  assert.deepEqual(pretrains.map((l) => l.includes('--resume')), [false, true]);
  // The variant's pretraining time counts both parts, not only the resumed one.
  const parts = loggedRuns(readFileSync(log, 'utf8'));
  const done = JSON.parse(readFileSync(join(out, 'mask=0.5', 'pretrain.json'), 'utf8'));
  assert.equal(done.invocations, 2);
  assert.ok(Math.abs(done.seconds - (parts[0]!.seconds + parts[1]!.seconds)) < 1e-9);
});

test('a second sweep into a folder another live sweep holds is refused naming it, before any stage runs', async () => {
  const out = tempDir();
  // Another live process stands in for the first sweep (this test runs the command in-process).
  const other = (await import('node:child_process')).spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
  try {
    writeFileSync(join(out, '.lock'), JSON.stringify({ pid: other.pid, command: 'maec sweep other.ts', since: '2026-12-01T00:00:00Z' }));
    const io = bufferIo(ROOT);
    const code = await sweepCommand.run([FIXTURE, ...SMALLEST, '--out', out], io);
    assert.equal(code, 1);
    assert.match(io.stderr.join(''), new RegExp(`maec sweep: sweep folder .* is in use by process ${other.pid} \\(maec sweep other\\.ts, since 2026-12-01T00:00:00Z\\)`));
    assert.equal(existsSync(join(out, 'sweep.json')), false);
  } finally {
    other.kill();
  }
});
