import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { throwLocation } from '../../../cli/model-file/locate.ts';
import { runCli } from './run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'maec-evaluate-'));
// ES modules keep their source maps under tsx; a CommonJS file's stack has no line to report.
writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');

function modelFile(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

test('a model file that throws at import is reported at the line and column that threw', async () => {
  const path = modelFile('throws-late.ts', ['export const a = 1;', '', 'function load(): number {', "  throw new Error('no config');", '}', 'export const b = load();', ''].join('\n'));
  const r = await runCli(['compile', path], dir);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^throws-late\.ts:4:9 error MAEC001 evaluating the module failed: no config$/m);
});

test('the location of a throw is the first stack frame in the model file, in any frame spelling', () => {
  const file = '/m/model.ts';
  assert.deepEqual(throwLocation('Error: x\n    at lib (/repo/dsl/mae.ts:10:3)\n    at f (/m/model.ts:5:9)\n    at /m/model.ts:8:1', file), { line: 5, col: 9 });
  assert.deepEqual(throwLocation('Error: x\n    at file:///m/model.ts?tsx-namespace=12:7:2', file), { line: 7, col: 2 });
  assert.equal(throwLocation('Error: x\n    at g (/m/other.ts:1:1)', file), undefined);
});
