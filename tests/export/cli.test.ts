/**
 * `maec export` misuse: every bad input is a clear error with a non-zero exit, and nothing is
 * left behind (no folder at --out, no temporary folder beside it).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSafetensors, saveSafetensors, toFloat32 } from '../../runtime/io/index.ts';
import { exportCommand } from '../../cli/commands/export.ts';
import { writeFolderAtomic } from '../../runtime/weights/bundle.ts';
import { COMMANDS } from '../../cli/commands/index.ts';
import { exportCli, HF5, makeRun, SPEC_PATH, tempDir } from './run.ts';

const dir = tempDir('export-cli');
let run = '';
before(async () => {
  run = await makeRun(dir);
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the command in a fresh parent folder and checks it left that folder as it found it. */
async function refused(argv: (out: string) => string[], code: number, message: RegExp, setup?: (parent: string) => void) {
  const parent = join(dir, `case-${readdirSync(dir).length}`);
  mkdirSync(parent);
  setup?.(parent);
  const before = readdirSync(parent).sort();
  const r = await exportCli(dir, ...argv(join(parent, 'out')));
  assert.equal(r.code, code, `exit status; stderr: ${r.stderr}`);
  assert.match(r.stderr, message);
  assert.equal(r.stdout, '');
  assert.deepEqual(readdirSync(parent).sort(), before, 'nothing written, no temporary folder left');
  return r;
}

test('export is a registered command with help that explains every format', async () => {
  assert.ok(COMMANDS.includes(exportCommand));
  const r = await exportCli(dir, '--help');
  assert.equal(r.code, 0);
  for (const text of ['--to hf', '--to official', '--to onnx', '--part encoder', 'from_pretrained', 'main_finetune.py --finetune', 'transformers.js', 'exit status']) assert.ok(r.stdout.includes(text), text);
});

test('usage errors exit 2: unknown --to or --part, --part without onnx, missing --out or source', async () => {
  await refused((out) => [run, '--to', 'tflite', '--out', out], 2, /unknown --to tflite: expected one of hf, official, onnx/);
  await refused((out) => [run, '--out', out], 2, /missing --to FORMAT/);
  await refused((out) => [run, '--to', 'onnx', '--part', 'decoder', '--out', out], 2, /unknown --part decoder: expected one of encoder, mae/);
  await refused((out) => [run, '--to', 'hf', '--part', 'mae', '--out', out], 2, /--part applies only to --to onnx/);
  await refused(() => [run, '--to', 'hf'], 2, /missing --out DIR/);
  await refused((out) => ['--to', 'hf', '--out', out], 2, /missing <run dir \| weights\.safetensors>/);
  await refused((out) => [run, '--to', 'hf', '--mean', '0.5', '--out', out], 2, /--mean needs --std/);
  await refused((out) => [run, '--to', 'hf', '--mean', '0.5,x', '--std', '0.5,0.5', '--out', out], 2, /--mean must be one number or comma-separated numbers, found x/);
  await refused((out) => [run, '--to', 'hf', '--mean', '0.5', '--std', '0', '--out', out], 2, /--std values must be positive/);
});

test('a non-empty --out is refused with exit 1 and left untouched; an empty one is filled', async () => {
  const r = await refused((out) => [run, '--to', 'hf', '--out', out], 1, /out is not empty: choose another --out or empty it first/, (parent) => {
    mkdirSync(join(parent, 'out'));
    writeFileSync(join(parent, 'out', 'keep.txt'), 'mine');
  });
  assert.doesNotMatch(r.stderr, /\n.+\n/, 'one line');
  const empty = join(dir, 'empty-out');
  mkdirSync(empty);
  assert.equal((await exportCli(dir, run, '--to', 'official', '--out', empty)).code, 0);
  assert.deepEqual(readdirSync(empty).sort(), ['README.md', 'model.safetensors']);
  await refused((out) => [run, '--to', 'hf', '--out', out], 1, /out exists and is not a folder/, (parent) => writeFileSync(join(parent, 'out'), 'a file'));
});

test('weights without a spec, without normalisation, or not fitting the spec are refused naming the file', async () => {
  const weights = join(dir, 'state_dict.safetensors'); // the fixture, without the spec.json beside it
  copyFileSync(join(HF5, 'state_dict.safetensors'), weights);
  await refused((out) => [weights, '--to', 'hf', '--mean', '0.5', '--std', '0.5', '--out', out], 1, /state_dict\.safetensors records no spec and there is no spec\.json beside it: give --spec/);
  await refused((out) => [weights, '--spec', SPEC_PATH, '--to', 'hf', '--out', out], 1, /state_dict\.safetensors: records no normalisation .* give --mean and --std/);
  await refused((out) => [weights, '--spec', join(dir, 'nope.json'), '--to', 'hf', '--out', out], 1, /no such file .*nope\.json/);
  // the official export needs no normalisation
  assert.equal((await exportCli(dir, weights, '--spec', SPEC_PATH, '--to', 'official', '--out', join(dir, 'official-of-hf5'))).code, 0);
  // spec.json beside a weights file is used
  const beside = join(dir, 'beside');
  mkdirSync(beside);
  copyFileSync(weights, join(beside, 'w.safetensors'));
  copyFileSync(SPEC_PATH, join(beside, 'spec.json'));
  assert.equal((await exportCli(dir, join(beside, 'w.safetensors'), '--to', 'onnx', '--mean', '0.5', '--std', '0.5', '--out', join(dir, 'beside-onnx'))).code, 0);
  // and in a folder holding checkpoint.safetensors (plain weights) and spec.json
  copyFileSync(weights, join(beside, 'checkpoint.safetensors'));
  const r = await exportCli(dir, beside, '--to', 'hf', '--mean', '0.5', '--std', '0.5', '--out', join(dir, 'beside-hf'));
  assert.equal(r.code, 0, r.stderr);
  // a missing tensor
  const file = await loadSafetensors(weights);
  const partial = join(dir, 'partial.safetensors');
  await saveSafetensors(partial, new Map([...file.tensors].filter(([k]) => k !== 'vit.layers.1.mlp.fc1.weight').map(([k, t]) => [k, { shape: t.shape, data: toFloat32(t) }])));
  await refused((out) => [partial, '--spec', SPEC_PATH, '--to', 'official', '--out', out], 1, /partial\.safetensors: weights do not match the model \(1 problem\):\n {2}blocks\.1\.mlp\.fc1\.weight: missing/);
  // a NaN
  const nan = join(dir, 'nan.safetensors');
  await saveSafetensors(nan, new Map([...file.tensors].map(([k, t]) => [k, { shape: t.shape, data: k === 'vit.layernorm.bias' ? new Float32Array(8).fill(Number.NaN) : toFloat32(t) }])));
  await refused((out) => [nan, '--spec', SPEC_PATH, '--to', 'official', '--out', out], 1, /nan\.safetensors: .*norm\.bias/);
  await refused((out) => [join(dir, 'absent.safetensors'), '--to', 'hf', '--out', out], 1, /no such run folder or weights file .*absent\.safetensors/);
  await refused((out) => [dir, '--to', 'hf', '--out', out], 1, /is a folder without checkpoint\.safetensors: not a pretraining run folder/);
});

test('what the target cannot represent is refused: the symmetric baseline for hf and official', async () => {
  const spec = JSON.parse(readFileSync(SPEC_PATH, 'utf8')) as Record<string, unknown>;
  const symmetric = join(dir, 'symmetric.json');
  writeFileSync(symmetric, JSON.stringify({ ...spec, maskTokensInEncoder: true }));
  const weights = join(dir, 'symmetric-weights.safetensors');
  assert.equal((await exportCli(dir, join(HF5, 'state_dict.safetensors'), '--to', 'official', '--out', join(dir, 'official-for-symmetric'))).code, 0);
  const official = (await loadSafetensors(join(dir, 'official-for-symmetric', 'model.safetensors'))).tensors;
  const tensors = new Map([...official].map(([k, t]) => [k, { shape: t.shape, data: toFloat32(t) }]));
  tensors.set('encoder_mask_token', { shape: [1, 1, 8], data: new Float32Array(8).fill(0.1) });
  tensors.delete('mask_token');
  await saveSafetensors(weights, tensors);
  for (const to of ['hf', 'official'])
    await refused((out) => [weights, '--spec', symmetric, '--mean', '0.5', '--std', '0.5', '--to', to, '--out', out], 1, /spec\.maskTokensInEncoder is true \(the symmetric baseline of Table 1c\).*--to onnx/);
  assert.equal((await exportCli(dir, weights, '--spec', symmetric, '--mean', '0.5', '--std', '0.5', '--to', 'onnx', '--part', 'mae', '--out', join(dir, 'symmetric-onnx'))).code, 0);
  assert.ok(existsSync(join(dir, 'symmetric-onnx', 'onnx', 'model.onnx')));
});

test('a fine-tuning checkpoint is refused naming its format', async () => {
  const ft = join(dir, 'finetune.safetensors');
  await saveSafetensors(ft, new Map([['head.weight', { shape: [2, 8], data: new Float32Array(16) }]]), { format: 'maec-finetune/2' });
  await refused((out) => [ft, '--spec', SPEC_PATH, '--to', 'hf', '--out', out], 1, /finetune\.safetensors is a fine-tuning checkpoint \(maec-finetune\/2\): export takes a pretraining run or MAE weights/);
});

test('a folder that fails midway leaves neither --out nor its temporary folder', async () => {
  const parent = join(dir, 'midway');
  mkdirSync(parent);
  // 'a' is written as a file, so 'a/b' cannot be: the write fails after the first file.
  await assert.rejects(writeFolderAtomic(join(parent, 'out'), new Map([['a', 'x'], ['a/b', 'y']])), /ENOTDIR|EEXIST/);
  assert.deepEqual(readdirSync(parent), []);
});
