import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { forwardCommand } from '../../cli/commands/forward.ts';
import { bufferIo } from '../../cli/io.ts';
import { loadSafetensors, saveSafetensors, toFloat32, toInt32 } from '../../runtime/io/index.ts';
import { parityFixtures } from '../runtime/fixtures.ts';

const fx = parityFixtures()[0]!;
const dir = mkdtempSync(join(tmpdir(), 'maec-forward-'));
const specPath = join(dir, 'spec.json');
const c = fx.config;
// The fixture's resolved spec, written as a user's spec.json.
writeFileSync(specPath, JSON.stringify(fx.spec));
const weights = join(fx.dir, 'weights.safetensors');
const inputs = join(fx.dir, 'inputs.safetensors');

async function forward(...argv: string[]) {
  const io = bufferIo(dir);
  const code = await forwardCommand.run(argv, io);
  return { code, stdout: io.stdout.join(''), stderr: io.stderr.join('') };
}

test('maec forward writes the official outputs and gradients for the parity fixture', async () => {
  const out = join(dir, 'out.safetensors');
  const r = await forward(specPath, '--weights', weights, '--inputs', inputs, '--out', out, '--grads', '--backend', 'cpu');
  assert.equal(r.code, 0, r.stderr);
  const got = (await loadSafetensors(out)).tensors;
  const want = (await loadSafetensors(join(fx.dir, 'expected.safetensors'))).tensors;
  assert.ok(Math.abs(toFloat32(got.get('loss')!)[0]! - toFloat32(want.get('loss')!)[0]!) < 1e-5);
  assert.deepEqual(Array.from(toInt32(got.get('ids_restore')!)), Array.from(toInt32(want.get('ids_restore')!)));
  assert.equal(got.get('ids_restore')!.dtype, 'I64');
  for (const name of c.grad_params ?? []) assert.ok(got.has(`grad.${name}`), `grad.${name} written`);
  assert.ok(got.has('pred') && got.has('mask') && got.has('latent') && got.has('noise'));
});

test('maec forward names a mis-shaped input tensor and writes nothing', async () => {
  const bad = join(dir, 'bad-inputs.safetensors');
  await saveSafetensors(bad, new Map([['imgs', { shape: [2, 1, 32, 32], data: new Float32Array(2 * 32 * 32) }]]));
  const out = join(dir, 'never.safetensors');
  const r = await forward(specPath, '--weights', weights, '--inputs', bad, '--out', out, '--backend', 'cpu');
  assert.equal(r.code, 1);
  assert.match(r.stderr, /tensor "imgs" has shape \[2, 1, 32, 32\], expected \[2, 3, 32, 32\]/);
  assert.equal(existsSync(out), false);
});

test('maec forward names a missing weight', async () => {
  const file = await loadSafetensors(weights);
  const partial = new Map([...file.tensors].filter(([name]) => name !== 'blocks.1.mlp.fc1.weight').map(([n, t]) => [n, { shape: t.shape, data: toFloat32(t) }]));
  const w = join(dir, 'partial.safetensors');
  await saveSafetensors(w, partial);
  const r = await forward(specPath, '--weights', w, '--inputs', inputs, '--out', join(dir, 'x.safetensors'));
  assert.equal(r.code, 1);
  assert.match(r.stderr, /blocks\.1\.mlp\.fc1\.weight/);
});

test('maec forward without --weights is a usage error', async () => {
  const r = await forward(specPath, '--inputs', inputs, '--out', join(dir, 'y.safetensors'));
  assert.equal(r.code, 2);
  assert.match(r.stderr, /missing --weights/);
});

test('maec forward refuses an --out that is the --weights or --inputs file, and leaves it as it was', async () => {
  const copy = join(dir, 'own-weights.safetensors');
  copyFileSync(weights, copy);
  const before = readFileSync(copy);
  for (const [flag, target] of [['--weights', copy], ['--inputs', inputs]] as const) {
    const argv = flag === '--weights' ? ['--weights', copy, '--inputs', inputs] : ['--weights', weights, '--inputs', inputs];
    const r = await forward(specPath, ...argv, '--out', target, '--backend', 'cpu');
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`--out .* is the ${flag} file; the results would overwrite it`));
  }
  assert.deepEqual(readFileSync(copy), before);
  // Another spelling of the same path is the same file.
  const r = await forward(specPath, '--weights', copy, '--inputs', inputs, '--out', join(dir, '.', 'sub', '..', 'own-weights.safetensors'));
  assert.equal(r.code, 2, r.stderr);
});
