import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendRecord, cutRecords, readRecords } from '../../runtime/io/jsonl.ts';

const file = () => join(mkdtempSync(join(tmpdir(), 'maec-jsonl-')), 'metrics.jsonl');

test('records read back in the order they were appended; a missing file has none', () => {
  const path = file();
  assert.deepEqual(readRecords(path), []);
  appendRecord(path, { step: 1, loss: 0.5 });
  appendRecord(path, { kind: 'epoch', step: 2 });
  assert.deepEqual(readRecords(path), [{ step: 1, loss: 0.5 }, { kind: 'epoch', step: 2 }]);
});

test('a torn last line (a process killed mid-append) is not a record', () => {
  const path = file();
  appendRecord(path, { step: 1 });
  appendFileSync(path, '{"step": 2, "lo');
  assert.deepEqual(readRecords(path), [{ step: 1 }]);
});

test('cutting to a step keeps the records up to it and drops those after, step-less ones and a torn line', async () => {
  const path = file();
  for (const r of [{ step: 0, kind: 'heldout' }, { step: 1 }, { note: 'no step' }, { step: 2 }, { step: 3 }]) appendRecord(path, r);
  appendFileSync(path, '{"step": 4');
  await cutRecords(path, 2);
  assert.equal(readFileSync(path, 'utf8'), '{"step":0,"kind":"heldout"}\n{"step":1}\n{"step":2}\n');
  await cutRecords(path, 0);
  assert.deepEqual(readRecords(path), [{ step: 0, kind: 'heldout' }]);
});
