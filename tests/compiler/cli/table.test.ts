import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatTable, thousands } from '../../../cli/compile-report/table.ts';

test('columns are padded to their widest cell, numbers right-aligned', () => {
  assert.equal(formatTable(['name', 'K'], [['base', '49'], ['x', '7']]), 'name   K\n----  --\nbase  49\nx      7\n');
});

test('thousands are separated by commas', () => {
  assert.equal(thousands(111655680), '111,655,680');
});
