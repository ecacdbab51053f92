import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Command } from '../../../cli/command.ts';
import { dispatch, topHelp } from '../../../cli/dispatch.ts';
import { bufferIo } from '../../../cli/io.ts';

const calls: (readonly string[])[] = [];
const table: readonly Command[] = [
  { name: 'compile', summary: 'compile a model', help: 'compile help', run: async (argv) => (calls.push(argv), 0) },
  { name: 'pretrain', summary: 'pretrain a model', help: 'pretrain help', run: async () => 1 },
];

test('a command receives the arguments after its name and its status is returned', async () => {
  const io = bufferIo('/');
  assert.equal(await dispatch(['compile', 'm.ts', '--json'], table, io), 0);
  assert.deepEqual(calls.at(-1), ['m.ts', '--json']);
  assert.equal(await dispatch(['pretrain'], table, io), 1);
});

test('the top-level help lists every command of the table with its summary', () => {
  const help = topHelp(table);
  assert.match(help, /^ {2}compile {3}compile a model$/m);
  assert.match(help, /^ {2}pretrain {2}pretrain a model$/m);
  assert.match(help, /^usage: maec <command>/m);
});

test('--help prints the help on stdout with status 0; no command prints it on stderr with status 2', async () => {
  const asked = bufferIo('/');
  assert.equal(await dispatch(['--help'], table, asked), 0);
  assert.equal(asked.stdout.join(''), topHelp(table));
  const bare = bufferIo('/');
  assert.equal(await dispatch([], table, bare), 2);
  assert.equal(bare.stderr.join(''), topHelp(table));
});

test('an unknown command is a usage error that lists the commands', async () => {
  const io = bufferIo('/');
  assert.equal(await dispatch(['compil'], table, io), 2);
  assert.equal(io.stderr.join(''), 'maec: unknown command compil; commands: compile, pretrain\n');
});

test('an exception a command did not turn into a message exits 1 with the command, the message and its stack', async () => {
  const throwing: readonly Command[] = [{ name: 'probe', summary: 's', help: 'h', run: async () => { throw new Error('kernel exploded'); } }];
  const io = bufferIo('/');
  assert.equal(await dispatch(['probe'], throwing, io), 1);
  assert.match(io.stderr.join(''), /^maec probe: unexpected error: Error: kernel exploded\n\s+at /);
});

test('a TargetError (a backend that cannot run here or cannot run the command) exits 1 with its message and no stack', async () => {
  const { TargetError } = await import('../../../runtime/tfjs/target-error.ts');
  const throwing: readonly Command[] = [{ name: 'probe', summary: 's', help: 'h', run: async () => { throw new TargetError('probe cannot run on webgpu yet'); } }];
  const io = bufferIo('/');
  assert.equal(await dispatch(['probe'], throwing, io), 1);
  assert.equal(io.stderr.join(''), 'maec probe: probe cannot run on webgpu yet\n');
});
