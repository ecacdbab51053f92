import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileSafe, writeAllOrNothing } from '../../../cli/compile-report/out.ts';

test('all files are written and no temporaries remain', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'maec-out-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeAllOrNothing(join(dir, 'nested'), [{ name: 'a.json', content: 'A' }, { name: 'b.json', content: 'B' }]);
  assert.deepEqual(readdirSync(join(dir, 'nested')).sort(), ['a.json', 'b.json']);
  assert.equal(readFileSync(join(dir, 'nested', 'b.json'), 'utf8'), 'B');
});

test('when one file cannot be written none is, and existing files are kept', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'maec-out-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeAllOrNothing(dir, [{ name: 'a.json', content: 'old' }]);
  // A folder in the way of the second file's rename makes the write fail part-way.
  mkdirSync(join(dir, 'b.json'));
  assert.throws(() => writeAllOrNothing(dir, [{ name: 'a.json', content: 'new' }, { name: 'b.json/x', content: 'B' }]));
  assert.equal(readFileSync(join(dir, 'a.json'), 'utf8'), 'old');
  assert.deepEqual(readdirSync(dir).sort(), ['a.json', 'b.json']);
});

test('names become safe file names', () => {
  assert.equal(fileSafe('grid mask=0.75/dec 8'), 'grid_mask_0.75_dec_8');
  assert.equal(fileSafe('..x'), '_x');
});
