import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { ROOT } from './run-cli.ts';

/** Runs the real executable, as a user does: `node bin/maec.js ...`. */
function maec(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/maec.js', ...args], { cwd: ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

// Started together at load, so the processes overlap; each test awaits its own.
const compiles = maec('compile', 'models/mnist-tiny.ts');
const broken = maec('compile', 'tests/compiler/fixtures/.tsc-skips/type-errors.ts');
const unknownFlag = maec('compile', 'models/mnist-tiny.ts', '--jsonn');
const unknownCommand = maec('compil');
const help = maec('--help');

test('exit 0 when every spec compiles', async () => {
  const run = await compiles;
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /mnistTiny/);
});

test('exit 1 when the model has errors', async () => {
  const run = await broken;
  assert.equal(run.code, 1);
  assert.match(run.stderr, /^tests\/compiler\/fixtures\/\.tsc-skips\/type-errors\.ts:\d+:\d+ error TS\d+ /m);
});

test('exit 2 on an unknown flag, with a message naming it', async () => {
  const run = await unknownFlag;
  assert.equal(run.code, 2);
  assert.match(run.stderr, /unknown flag --jsonn/);
});

test('exit 2 on an unknown command, and exit 0 for --help', async () => {
  const [bad, ok] = await Promise.all([unknownCommand, help]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /unknown command compil/);
  assert.equal(ok.code, 0);
  assert.match(ok.stdout, /^ {2}compile {2}/m);
});
