import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import * as E from 'fp-ts/lib/Either.js';
import { loadSpec } from '../../../cli/spec-source.ts';
import { checkShapes, parseGraph } from '../../../compiler/index.ts';
import { mnistTiny } from '../../../models/mnist-tiny.ts';
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

test('the spec.json a pretraining run writes compiles to the same spec and report as its model file', async (t) => {
  const path = join(tempDir(t), 'spec.json');
  // As runtime/train/run.ts writes it.
  writeFileSync(path, `${JSON.stringify(mnistTiny, null, 2)}\n`);
  const fromJson = await runCli(['compile', path, '--json']);
  assert.equal(fromJson.code, 0, fromJson.stderr);
  const fromModel = JSON.parse((await runCli(['compile', 'models/mnist-tiny.ts', '--json'])).stdout);
  const json = JSON.parse(fromJson.stdout);
  assert.equal(json.specs[0].name, 'spec');
  assert.deepEqual(json.specs[0].spec, fromModel.specs[0].spec);
  assert.deepEqual(json.specs[0].report, fromModel.specs[0].report);
});

test('a broken JSON spec exits 1 with every problem at file:line:col, as every command reports it', async (t) => {
  const path = join(tempDir(t), 'spec.json');
  writeFileSync(path, '{\n  "encoder": { "patch": 16, "width": 768, "depth": 12, "heads": 5 },\n  "": 1\n}\n');
  const run = await runCli(['compile', path], join(path, '..'));
  assert.equal(run.code, 1);
  const expected = [
    'spec.json:3:3 error MAE000 [""]: unknown field (expected one of encoder, kind, decoder, mask, image, normPixLoss, layerNormEps, maskTokensInEncoder, augment)',
    'spec.json:2:56 error MAE002 encoder.heads: 5 does not divide width 768',
  ];
  assert.equal(run.stderr, `${expected.join('\n')}\n2 errors in spec.json\n`);
  const loaded = await loadSpec(path, join(path, '..'));
  assert.deepEqual(loaded, { ok: false, code: 1, message: expected.join('\n') });
});

test('a JSON spec a million blocks deep is rejected before any graph is built', async (t) => {
  const path = join(tempDir(t), 'deep.json');
  writeFileSync(path, JSON.stringify({ encoder: { patch: 16, width: 768, depth: 1e6, heads: 12 } }));
  const start = performance.now();
  const run = await runCli(['compile', path, '--json']);
  assert.ok(performance.now() - start < 5000, `took ${performance.now() - start} ms`);
  assert.equal(run.code, 1);
  assert.deepEqual(JSON.parse(run.stdout).diagnostics.map((d: { line: number; col: number; code: string }) => `${d.line}:${d.col} ${d.code}`), ['1:36 MAE010']);
});
