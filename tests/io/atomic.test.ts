import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, chmodSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../../runtime/io/atomic.ts';
import { loadSafetensors, saveSafetensors } from '../../runtime/io/files.ts';
import { SafetensorsError } from '../../runtime/io/errors.ts';

function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'maec-io-'));
}

test('a successful atomic write replaces the file and leaves no temporary behind', async () => {
  const dir = scratch();
  const path = join(dir, 'out.bin');
  writeFileSync(path, 'old');
  await writeFileAtomic(path, [new Uint8Array([1, 2]), new Uint8Array([3])]);
  assert.deepEqual(new Uint8Array(readFileSync(path)), new Uint8Array([1, 2, 3]));
  await writeFileAtomic(path, 'text');
  assert.equal(readFileSync(path, 'utf8'), 'text');
  assert.deepEqual(readdirSync(dir), ['out.bin']);
  rmSync(dir, { recursive: true });
});

test('when the data source throws midway, the previous file is intact and the temporary file is gone', async () => {
  const dir = scratch();
  const path = join(dir, 'ckpt.safetensors');
  writeFileSync(path, 'previous checkpoint');
  async function* failing(): AsyncIterable<Uint8Array> {
    yield new Uint8Array(1000).fill(7);
    throw new Error('disk quota simulated');
  }
  await assert.rejects(writeFileAtomic(path, failing()), /disk quota simulated/);
  assert.equal(readFileSync(path, 'utf8'), 'previous checkpoint');
  assert.deepEqual(readdirSync(dir), ['ckpt.safetensors']);
  rmSync(dir, { recursive: true });
});

test('when the rename fails (target is a directory), the temporary file is removed', async () => {
  const dir = scratch();
  const path = join(dir, 'target');
  mkdirSync(path);
  writeFileSync(join(path, 'keep'), 'x');
  await assert.rejects(writeFileAtomic(path, 'data'));
  assert.deepEqual(readdirSync(dir), ['target']);
  assert.equal(readFileSync(join(path, 'keep'), 'utf8'), 'x');
  rmSync(dir, { recursive: true });
});

test('an atomic write keeps the permission bits of the file it replaces', async () => {
  const dir = scratch();
  const path = join(dir, 'f');
  writeFileSync(path, 'a');
  chmodSync(path, 0o640);
  await writeFileAtomic(path, 'b');
  assert.equal(statSync(path).mode & 0o777, 0o640);
  rmSync(dir, { recursive: true });
});

test('saveSafetensors then loadSafetensors round-trips tensors and metadata', async () => {
  const dir = scratch();
  const path = join(dir, 'w.safetensors');
  const tensors = new Map([
    ['b', { shape: [2], data: new Float32Array([1, 2]) }],
    ['a', { dtype: 'BF16' as const, shape: [1, 1], data: new Float32Array([-2.5]) }],
  ]);
  await saveSafetensors(path, tensors, { step: '7' });
  const file = await loadSafetensors(path);
  assert.deepEqual([...file.tensors.keys()], ['a', 'b']);
  assert.deepEqual(file.tensors.get('a'), { name: 'a', dtype: 'BF16', shape: [1, 1], data: new Uint16Array([0xc020]) });
  assert.deepEqual(file.metadata, { step: '7' });
  rmSync(dir, { recursive: true });
});

test('saving bad input reports it before touching an existing file', async () => {
  const dir = scratch();
  const path = join(dir, 'w.safetensors');
  writeFileSync(path, 'old');
  await assert.rejects(saveSafetensors(path, new Map([['w', { shape: [3], data: new Float32Array(2) }]])), (e: unknown) => e instanceof SafetensorsError && e.code === 'bad-input');
  assert.equal(readFileSync(path, 'utf8'), 'old');
  await assert.rejects(saveSafetensors(join(dir, 'missing', 'w.safetensors'), new Map()), (e: unknown) => e instanceof SafetensorsError && e.code === 'io');
  rmSync(dir, { recursive: true });
});

test('loading a missing, short or truncated file gives a SafetensorsError naming the path', async () => {
  const dir = scratch();
  await assert.rejects(loadSafetensors(join(dir, 'nope.safetensors')), (e: unknown) => e instanceof SafetensorsError && e.code === 'io' && e.message.includes('nope.safetensors'));
  const short = join(dir, 'short.safetensors');
  writeFileSync(short, new Uint8Array(5));
  await assert.rejects(loadSafetensors(short), (e: unknown) => e instanceof SafetensorsError && e.code === 'too-short' && e.message.startsWith(short));
  const cut = join(dir, 'cut.safetensors');
  await saveSafetensors(cut, new Map([['w', { shape: [4], data: new Float32Array(4) }]]));
  writeFileSync(cut, readFileSync(cut).subarray(0, statSync(cut).size - 2));
  await assert.rejects(loadSafetensors(cut), (e: unknown) => e instanceof SafetensorsError && e.code === 'offsets-out-of-range' && e.message.includes('tensor "w"'));
  rmSync(dir, { recursive: true });
});
