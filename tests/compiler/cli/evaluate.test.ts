import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { modelTimeoutMs } from '../../../cli/model-file/load.ts';
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

test('a model file that loops forever at import is stopped at the time limit, naming the file and the limit', async () => {
  const path = modelFile('loops.ts', ['export const a = 1;', 'while (a > 0) {}', ''].join('\n'));
  process.env['MAEC_MODEL_TIMEOUT_MS'] = '1500';
  const t0 = performance.now();
  try {
    const r = await runCli(['compile', path], dir);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^loops\.ts:1:1 error MAEC001 evaluating the module did not finish within 1500 ms .*MAEC_MODEL_TIMEOUT_MS/m);
  } finally {
    delete process.env['MAEC_MODEL_TIMEOUT_MS'];
  }
  assert.ok(performance.now() - t0 < 20_000, 'the command returned soon after the limit');
});

test('the time limit is 30 s unless MAEC_MODEL_TIMEOUT_MS sets it; a bad value is named', () => {
  assert.equal(modelTimeoutMs({}), 30_000);
  assert.equal(modelTimeoutMs({ MAEC_MODEL_TIMEOUT_MS: '250' }), 250);
  assert.throws(() => modelTimeoutMs({ MAEC_MODEL_TIMEOUT_MS: '1e3' }), /MAEC_MODEL_TIMEOUT_MS must be a positive integer \(milliseconds\), found 1e3/);
});

test('the location of a throw is the first stack frame in the model file, in any frame spelling', () => {
  const file = '/m/model.ts';
  assert.deepEqual(throwLocation('Error: x\n    at lib (/repo/dsl/mae.ts:10:3)\n    at f (/m/model.ts:5:9)\n    at /m/model.ts:8:1', file), { line: 5, col: 9 });
  assert.deepEqual(throwLocation('Error: x\n    at file:///m/model.ts?tsx-namespace=12:7:2', file), { line: 7, col: 2 });
  assert.equal(throwLocation('Error: x\n    at g (/m/other.ts:1:1)', file), undefined);
});
