import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeFlags, parseArgs } from '../../../cli/args.ts';

const FLAGS = {
  json: { kind: 'boolean', help: 'print JSON' },
  out: { kind: 'string', value: 'DIR', help: 'write files' },
} as const;

test('positionals, boolean flags and string flags in both spellings are parsed', () => {
  assert.deepEqual(parseArgs(['m.ts', '--json', '--out', 'dist'], FLAGS), { ok: true, positionals: ['m.ts'], flags: { json: true, out: 'dist' }, help: false });
  assert.deepEqual(parseArgs(['--out=dist', 'm.ts'], FLAGS), { ok: true, positionals: ['m.ts'], flags: { out: 'dist' }, help: false });
});

test('an unknown flag is an error naming it', () => {
  assert.deepEqual(parseArgs(['m.ts', '--jsn'], FLAGS), { ok: false, error: 'unknown flag --jsn' });
  assert.deepEqual(parseArgs(['-x'], FLAGS), { ok: false, error: 'unknown flag -x' });
  assert.deepEqual(parseArgs(['--outdir=a'], FLAGS), { ok: false, error: 'unknown flag --outdir' });
});

test('a string flag without its value is an error naming the value', () => {
  assert.deepEqual(parseArgs(['--out'], FLAGS), { ok: false, error: 'flag --out needs a value DIR' });
  assert.deepEqual(parseArgs(['--out', '--json'], FLAGS), { ok: false, error: 'flag --out needs a value DIR' });
});

test('a negative number after a string flag is its value, not a flag', () => {
  assert.deepEqual(parseArgs(['--out', '-1'], FLAGS), { ok: true, positionals: [], flags: { out: '-1' }, help: false });
  assert.deepEqual(parseArgs(['--out', '-0.5'], FLAGS), { ok: true, positionals: [], flags: { out: '-0.5' }, help: false });
  assert.deepEqual(parseArgs(['--out', '-x'], FLAGS), { ok: false, error: 'flag --out needs a value DIR' });
});

test('a boolean flag given a value, or any flag given twice, is an error', () => {
  assert.deepEqual(parseArgs(['--json=yes'], FLAGS), { ok: false, error: 'flag --json takes no value' });
  assert.deepEqual(parseArgs(['--json', '--json'], FLAGS), { ok: false, error: 'flag --json given twice' });
});

test('-h and --help ask for help; arguments after -- are positionals', () => {
  const parsed = parseArgs(['-h'], FLAGS);
  assert.ok(parsed.ok && parsed.help);
  assert.deepEqual(parseArgs(['--', '--json'], FLAGS), { ok: true, positionals: ['--json'], flags: {}, help: false });
});

test('the flags help lists every flag with its value name', () => {
  assert.equal(describeFlags(FLAGS), ['  --json      print JSON', '  --out DIR   write files', '  -h, --help  show this help'].join('\n'));
});
