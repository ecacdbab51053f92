import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { forwardCommand } from '../../cli/commands/forward.ts';
import { bufferIo } from '../../cli/io.ts';
import { loadSafetensors, saveSafetensors, toFloat32, toInt32, type TensorToWrite } from '../../runtime/io/index.ts';
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

/** The fixture's inputs with `change` applied to the tensors as read (name -> tensor to write). */
async function inputsWith(name: string, change: (tensors: Map<string, TensorToWrite>) => void): Promise<string> {
  const file = await loadSafetensors(inputs);
  const tensors = new Map<string, TensorToWrite>([...file.tensors].map(([n, t]) => [n, { shape: t.shape, data: toFloat32(t) }]));
  change(tensors);
  const path = join(dir, `${name}.safetensors`);
  await saveSafetensors(path, tensors);
  return path;
}

async function forwardInputs(path: string, w = weights) {
  const out = join(dir, 'never.safetensors');
  const r = await forward(specPath, '--weights', w, '--inputs', path, '--out', out, '--backend', 'cpu');
  assert.equal(existsSync(out), false, 'nothing written');
  return r;
}

test('maec forward names an I32 imgs or noise tensor and the dtype expected, exit 1', async () => {
  for (const tensor of ['imgs', 'noise']) {
    const path = await inputsWith(`i32-${tensor}`, (t) => {
      const { shape, data } = t.get(tensor)!;
      t.set(tensor, { dtype: 'I32', shape, data: Int32Array.from(data as Float32Array, (v) => Math.round(v)) });
    });
    const r = await forwardInputs(path);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`^maec forward: .*i32-${tensor}\\.safetensors: tensor "${tensor}" has dtype I32, expected a float dtype \\(F64, F32, F16, BF16\\)`, 'm'));
    assert.doesNotMatch(r.stderr, /unexpected error/);
  }
});

test('maec forward refuses an empty batch (N = 0) naming the tensor and the shape expected, exit 1', async () => {
  const path = await inputsWith('empty', (t) => {
    const imgs = t.get('imgs')!;
    t.set('imgs', { shape: [0, ...imgs.shape.slice(1)], data: new Float32Array(0) });
    t.set('noise', { shape: [0, t.get('noise')!.shape[1]!], data: new Float32Array(0) });
  });
  const r = await forwardInputs(path);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /empty\.safetensors: tensor "imgs" has shape \[0, 3, 32, 32\], expected \[N, 3, 32, 32\] with N >= 1 images/);
  assert.doesNotMatch(r.stderr, /unexpected error/);
});

test('maec forward refuses NaN or Inf in imgs and noise, naming the tensor and the first bad index', async () => {
  const nan = await inputsWith('nan-imgs', (t) => {
    const data = Float32Array.from(t.get('imgs')!.data as Float32Array);
    data[5] = NaN;
    data[7] = NaN;
    t.set('imgs', { shape: t.get('imgs')!.shape, data });
  });
  const r = await forwardInputs(nan);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /nan-imgs\.safetensors: tensor "imgs" holds NaN at \[0, 0, 0, 5\] \(element 5\); expected finite values/);
  const inf = await inputsWith('inf-noise', (t) => {
    const data = Float32Array.from(t.get('noise')!.data as Float32Array);
    data[c.img_size / c.patch_size + 1] = -Infinity;
    t.set('noise', { shape: t.get('noise')!.shape, data });
  });
  const n = await forwardInputs(inf);
  assert.equal(n.code, 1, n.stderr);
  assert.match(n.stderr, new RegExp(`inf-noise\\.safetensors: tensor "noise" holds -Infinity at \\[0, ${c.img_size / c.patch_size + 1}\\]`));
});

test('maec forward refuses NaN in the weights, naming the tensor and the first bad index', async () => {
  const file = await loadSafetensors(weights);
  const tensors = new Map<string, TensorToWrite>([...file.tensors].map(([n, t]) => [n, { shape: t.shape, data: toFloat32(t) }]));
  const name = 'blocks.0.attn.qkv.weight';
  const bad = Float32Array.from(tensors.get(name)!.data as Float32Array);
  bad[c.embed_dim + 2] = NaN; // row 1, column 2
  tensors.set(name, { shape: tensors.get(name)!.shape, data: bad });
  const w = join(dir, 'nan-weights.safetensors');
  await saveSafetensors(w, tensors);
  const r = await forwardInputs(inputs, w);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /nan-weights\.safetensors: tensor "blocks\.0\.attn\.qkv\.weight" holds NaN at \[1, 2\] \(element \d+\); expected finite values/);
});
