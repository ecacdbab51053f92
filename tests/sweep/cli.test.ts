import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sweepCommand } from '../../cli/commands/sweep.ts';
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
    [[FIXTURE, '--data', TINY_DATA, '--workers', '0'], /--workers must be a positive integer, found 0/],
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

test('a sweep runs every variant, reports the failed one with exit 1, writes the table and plot, and a re-run skips finished variants', async () => {
  const out = join(tempDir(), 'sweep');
  const first = await runCli(['sweep', FIXTURE, ...SMALLEST, '--out', out]);
  assert.equal(first.code, 1, first.stderr + first.stdout);
  assert.match(first.stdout, /FAILED broken: pretrain exited with 1/);
  assert.match(first.stdout, /2\/3 variants finished \(0 skipped as already done\), 1 failed/);

  const csv = readFileSync(join(out, 'results.csv'), 'utf8').trimEnd().split('\n');
  assert.equal(csv.length, 4);
  assert.deepEqual(csv.slice(1).map((l) => l.split(',')[0]), ['mask=0.5', 'mask=0.75', 'broken']);
  for (const line of csv.slice(1, 3)) {
    const cells = line.split(',');
    assert.equal(cells[8], 'done');
    for (const acc of [cells[9], cells[10]]) assert.ok(Number(acc) >= 0 && Number(acc) <= 1, line);
  }
  assert.equal(csv[3]!.split(',')[8], 'failed');
  assert.match(readFileSync(join(out, 'broken', 'error.log'), 'utf8'), /stage pretrain failed with exit status 1[\s\S]*channels/);
  assert.ok(existsSync(join(out, 'accuracy-vs-mask-ratio.png')));
  assert.match(readFileSync(join(out, 'results.md'), 'utf8'), /\| `mask=0.75` \| 0.75 \|/);

  const again = await runCli(['sweep', FIXTURE, ...SMALLEST, '--out', out]);
  assert.equal(again.code, 1);
  assert.match(again.stdout, /skipped mask=0.5: already finished/);
  assert.match(again.stdout, /skipped mask=0.75: already finished/);
  assert.match(again.stdout, /2\/3 variants finished \(2 skipped as already done\), 1 failed/);
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
