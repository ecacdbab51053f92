import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import * as E from 'fp-ts/lib/Either.js';
import { checkShapes, parseGraph } from '../../../compiler/index.ts';
import { ROOT, runCli } from './run-cli.ts';

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'maec-compile-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('--out writes the IR and the report of every spec, and the IR passes checkShapes', async (t) => {
  const out = join(tempDir(t), 'build');
  const run = await runCli(['compile', 'models/cifar-small.ts', '--out', out]);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(readdirSync(out).sort(), ['cifarSmall.ir.json', 'cifarSmall.report.json']);
  const graph = parseGraph(readFileSync(join(out, 'cifarSmall.ir.json'), 'utf8'));
  assert.ok(E.isRight(graph));
  assert.deepEqual(checkShapes(graph.right), []);
  const report = JSON.parse(readFileSync(join(out, 'cifarSmall.report.json'), 'utf8'));
  assert.equal(report.name, 'cifarSmall');
  assert.equal(report.report.numVisible, 16);
  assert.equal(report.report.params.trainable, report.report.params.encoder + report.report.params.decoder);
});

test('--out writes nothing when the model has errors', async (t) => {
  const out = join(tempDir(t), 'build');
  const broken = readdirSync(join(ROOT, 'tests/compiler/fixtures')).find((f) => f.startsWith('rule-errors'))!;
  const run = await runCli(['compile', `tests/compiler/fixtures/${broken}`, '--out', out]);
  assert.equal(run.code, 1);
  assert.equal(existsSync(out), false);
});

test('--json prints the reports as JSON and nothing on stderr', async () => {
  const run = await runCli(['compile', 'models/mae-vit-b16.ts', '--json']);
  assert.equal(run.code, 0);
  assert.equal(run.stderr, '');
  const json = JSON.parse(run.stdout);
  assert.equal(json.ok, true);
  assert.equal(json.specs[0].report.params.trainable, 111_655_680);
  assert.deepEqual(json.specs[0].report.sequence, { encoder: 50, decoder: 197 });
});

test('--json lists model errors with their locations and exits 1', async () => {
  const broken = readdirSync(join(ROOT, 'tests/compiler/fixtures')).find((f) => f.startsWith('rule-errors'))!;
  const run = await runCli(['compile', `tests/compiler/fixtures/${broken}`, '--json']);
  assert.equal(run.code, 1);
  const json = JSON.parse(run.stdout);
  assert.equal(json.ok, false);
  assert.ok(json.diagnostics.length > 0);
  for (const d of json.diagnostics) assert.match(`${d.file}:${d.line}:${d.col} ${d.code}`, /^tests\/compiler\/fixtures\/.+:\d+:\d+ MAE0\d\d$/);
});

test('a model file outside the repository resolves maec to this installation', async (t) => {
  const dir = tempDir(t);
  copyFileSync(join(ROOT, 'models/mnist-tiny.ts'), join(dir, 'mnist.ts'));
  const run = await runCli(['compile', join(dir, 'mnist.ts')], dir);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^mnistTiny +28x28x1 +4 +49 +12 /m);
});
