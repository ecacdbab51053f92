/**
 * Every command reads its numeric flags with cli/numbers.ts: a negative number is a value (so
 * it is out of range, not missing), and unreadable text is quoted as given, never as NaN.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from '../../cli/command.ts';
import { finetuneCommand } from '../../cli/commands/finetune.ts';
import { forwardCommand } from '../../cli/commands/forward.ts';
import { pretrainCommand } from '../../cli/commands/pretrain.ts';
import { probeCommand } from '../../cli/commands/probe.ts';
import { reconstructCommand } from '../../cli/commands/reconstruct.ts';
import { sweepCommand } from '../../cli/commands/sweep.ts';
import { bufferIo } from '../../cli/io.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const SPEC = join(ROOT, 'tests/train/fixtures/tiny-16.json');
const dir = mkdtempSync(join(tmpdir(), 'maec-flags-'));
writeFileSync(join(dir, 'img.png'), '');

async function call(cmd: Command, ...argv: string[]) {
  const io = bufferIo(dir);
  const code = await cmd.run(argv, io);
  return { code, err: io.stderr.join('') };
}

test('--epochs -1 is out of range in pretrain, probe and finetune, not a missing value', async () => {
  for (const [cmd, first] of [[pretrainCommand, SPEC], [probeCommand, dir], [finetuneCommand, dir]] as const) {
    const r = await call(cmd, first, '--data', 'synthetic', '--epochs', '-1');
    assert.equal(r.code, 2, `${cmd.name}: ${r.err}`);
    assert.match(r.err, /--epochs is out of range: must be a positive integer, found -1/, cmd.name);
    assert.doesNotMatch(r.err, /needs a value/, cmd.name);
  }
});

test('--batch abc names the text given in pretrain, probe and finetune', async () => {
  for (const [cmd, first] of [[pretrainCommand, SPEC], [probeCommand, dir], [finetuneCommand, dir]] as const) {
    const r = await call(cmd, first, '--data', 'synthetic', '--batch', 'abc');
    assert.equal(r.code, 2, `${cmd.name}: ${r.err}`);
    assert.match(r.err, /--batch must be a positive integer, found abc/, cmd.name);
    assert.doesNotMatch(r.err, /NaN/, cmd.name);
  }
});

test('hex, exponents for integers, Infinity and whitespace are refused with the text shown', async () => {
  const cases: [Command, string[], RegExp][] = [
    [pretrainCommand, [SPEC, '--seed', '0x10'], /--seed must be an integer, found 0x10/],
    [pretrainCommand, [SPEC, '--epochs', '1e3'], /--epochs must be a positive integer, found 1e3/],
    [pretrainCommand, [SPEC, '--blr', 'Infinity'], /--blr must be a non-negative number, found Infinity/],
    [pretrainCommand, [SPEC, '--steps', '0x10'], /--steps must be a positive integer, found 0x10/],
    [probeCommand, [dir, '--data', 'synthetic', '--blr', ' 1'], /--blr must be a non-negative number, found " 1"/],
    [finetuneCommand, [dir, '--data', 'synthetic', '--warmup=Infinity'], /--warmup must be a non-negative number, found Infinity/],
    [finetuneCommand, [dir, '--data', 'synthetic', '--eval-every', '0'], /--eval-every is out of range: must be a positive integer, found 0/],
    [forwardCommand, [SPEC, '--weights', 'w', '--inputs', 'i', '--out', 'o', '--seed', '0x10'], /--seed must be an integer, found 0x10/],
    [reconstructCommand, [dir, 'img.png', '--seed', '1e3'], /--seed must be an integer, found 1e3/],
    [reconstructCommand, [dir, 'img.png', '--mask', '0x1'], /--mask must be a ratio between 0 and 1, found 0x1/],
    [reconstructCommand, [dir, 'img.png', '--mask', '-0.5'], /--mask is out of range: must be a ratio between 0 and 1, found -0.5/],
    [sweepCommand, [SPEC, '--data', 'synthetic', '--workers', '0x2'], /--workers must be a positive integer, found 0x2/],
    [sweepCommand, [SPEC, '--data', 'synthetic', '--seed', '-1'], /--seed is out of range: must be a non-negative integer, found -1/],
  ];
  for (const [cmd, argv, message] of cases) {
    const r = await call(cmd, ...argv);
    assert.equal(r.code, 2, `${cmd.name} ${argv.join(' ')}: ${r.err}`);
    assert.match(r.err, message, `${cmd.name} ${argv.join(' ')}`);
  }
});
