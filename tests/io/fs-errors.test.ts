import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeFsError, isFsError, writeFileAtomic } from '../../runtime/io/index.ts';

const errno = (code: string, syscall: string, path?: string) => Object.assign(new Error(`${code}: something, ${syscall}`), { code, syscall, ...(path ? { path } : {}) });

test('a full disk, a read-only file system and a permission error name the file and what was being done', () => {
  assert.equal(describeFsError(errno('ENOSPC', 'write', 'runs/q/checkpoint.safetensors') as never), 'cannot write runs/q/checkpoint.safetensors: no space left on the device (ENOSPC)');
  assert.equal(describeFsError(errno('EROFS', 'open', '/mnt/ro/spec.json') as never), 'cannot open /mnt/ro/spec.json: the file system is read-only (EROFS)');
  assert.equal(describeFsError(errno('EACCES', 'rename') as never, 'out/loss.png'), 'cannot replace out/loss.png: permission denied (EACCES)');
});

test('only errors from the file system count as such', () => {
  assert.ok(isFsError(errno('ENOSPC', 'write')));
  assert.ok(!isFsError(new Error('ENOSPC')));
  assert.ok(!isFsError(Object.assign(new Error('x'), { code: 'TRAIN001' })));
});

test('writeFileAtomic reports a failure as about the file it was writing, not its temporary file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'maec-fs-'));
  const blocker = join(dir, 'not-a-folder');
  writeFileSync(blocker, '');
  const target = join(blocker, 'out.json'); // its folder is a file: open fails with ENOTDIR
  await assert.rejects(writeFileAtomic(target, '{}'), (e: unknown) => isFsError(e) && e.path === target && describeFsError(e) === `cannot open ${target}: a part of the path is not a folder (ENOTDIR)`);
});
