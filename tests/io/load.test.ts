import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadSafetensors } from '../../runtime/io/files.ts';
import { decodeSafetensors, encodeSafetensors, type TensorToWrite } from '../../runtime/io/safetensors.ts';
import type { SafetensorsTensor } from '../../runtime/io/dtypes.ts';
import { toFloat32 } from '../../runtime/io/convert.ts';
import { loadWeights } from '../../runtime/weights/load.ts';
import { exportWeights } from '../../runtime/weights/export.ts';
import { isDecoderParam } from '../../runtime/weights/params.ts';
import { WeightsError, type WeightProblemCode } from '../../runtime/weights/problems.ts';
import { fixtureConfig, maeParams } from './params.ts';
import { fixturePath } from './raw.ts';

const expected = maeParams(fixtureConfig());
const fixture = await loadSafetensors(fixturePath('weights.safetensors'));
const reference = loadWeights(fixture.tensors, expected, { source: 'weights.safetensors' });

/** Tensors through an encode/decode cycle, as a file on disk would give them. */
function asFile(tensors: ReadonlyMap<string, TensorToWrite>): ReadonlyMap<string, SafetensorsTensor> {
  return decodeSafetensors(encodeSafetensors(tensors)).tensors;
}

/** The fixture's tensors with some keys edited. */
function edited(edit: (m: Map<string, SafetensorsTensor>) => void): Map<string, SafetensorsTensor> {
  const m = new Map(fixture.tensors);
  edit(m);
  return m;
}

function problemsOf(run: () => unknown): [WeightProblemCode, string][] {
  try {
    run();
  } catch (e) {
    if (e instanceof WeightsError) return e.problems.map((p) => [p.code, p.name]);
    throw e;
  }
  assert.fail('expected a WeightsError');
}

test('the parity fixture loads: every expected parameter, in order, with the file values', () => {
  assert.deepEqual([...reference.keys()], expected.map((p) => p.name));
  assert.equal(reference.get('blocks.0.attn.qkv.weight')!.length, 192 * 64);
  assert.deepEqual(reference.get('norm.bias'), toFloat32(fixture.tensors.get('norm.bias')!));
});

test('an HF export of the fixture loads back to the same official weights', () => {
  const hf = asFile(exportWeights(reference, expected, { naming: 'hf' }));
  assert.ok(hf.has('vit.encoder.layer.1.attention.attention.value.weight'));
  assert.ok(hf.has('decoder.decoder_layers.0.layernorm_after.bias'));
  assert.ok(![...hf.keys()].some((k) => k.includes('qkv')));
  assert.deepEqual(loadWeights(hf, expected), reference);
});

test('F16 and BF16 checkpoints load as float32 within their precision', () => {
  for (const dtype of ['F16', 'BF16'] as const) {
    const half = asFile(exportWeights(reference, expected, { dtype }));
    assert.equal(half.get('cls_token')!.dtype, dtype);
    const loaded = loadWeights(half, expected);
    const tolerance = dtype === 'F16' ? 2 ** -11 : 2 ** -8; // relative half-ulp
    for (const [name, values] of reference) {
      const got = loaded.get(name)!;
      const bad = values.findIndex((v, i) => !(Math.abs(got[i]! - v) <= Math.abs(v) * tolerance + 1e-7));
      assert.equal(bad, -1, `${dtype} ${name}[${bad}]: ${got[bad]} vs ${values[bad]}`);
    }
  }
});

test('a model. prefix on every key is accepted, in either naming', () => {
  const prefixed = edited((m) => {
    for (const [k, t] of [...m]) {
      m.delete(k);
      m.set(`model.${k}`, t);
    }
  });
  assert.deepEqual(loadWeights(prefixed, expected), reference);
  const hf = asFile(new Map([...exportWeights(reference, expected, { naming: 'hf' })].map(([k, t]) => [`module.${k}`, t])));
  assert.deepEqual(loadWeights(hf, expected), reference);
});

test('an encoder-only checkpoint loads with encoderOnly and is refused without it, with a hint', () => {
  const encoder = edited((m) => {
    for (const k of [...m.keys()]) if (isDecoderParam(k)) m.delete(k);
  });
  const loaded = loadWeights(encoder, expected, { encoderOnly: true });
  assert.deepEqual([...loaded.keys()], expected.map((p) => p.name).filter((n) => !isDecoderParam(n)));
  assert.throws(() => loadWeights(encoder, expected), (e: unknown) => e instanceof WeightsError && e.problems.every((p) => p.code === 'missing' && isDecoderParam(p.name)) && /encoderOnly: true/.test(e.message));
  // a full checkpoint also serves feature extraction against an encoder-only parameter list
  const encoderParams = expected.filter((p) => !isDecoderParam(p.name));
  assert.equal(loadWeights(fixture.tensors, encoderParams, { encoderOnly: true }).size, encoderParams.length);
});

test('frozen position tables may be absent but not mis-shaped', () => {
  const noTables = edited((m) => {
    m.delete('pos_embed');
    m.delete('decoder_pos_embed');
  });
  const loaded = loadWeights(noTables, expected);
  assert.equal(loaded.has('pos_embed'), false);
  assert.equal(loaded.size, expected.length - 2);
  const wrongTable = edited((m) => m.set('pos_embed', { name: 'pos_embed', dtype: 'F32', shape: [1, 64, 64], data: new Float32Array(64 * 64) }));
  assert.deepEqual(problemsOf(() => loadWeights(wrongTable, expected)), [['shape', 'pos_embed']]);
});

test('missing, unexpected and mis-shaped tensors are all reported together, by name', () => {
  const broken = edited((m) => {
    m.delete('norm.weight');
    m.set('head.weight', { name: 'head.weight', dtype: 'F32', shape: [10, 64], data: new Float32Array(640) });
    m.set('blocks.0.attn.qkv.weight', { name: 'blocks.0.attn.qkv.weight', dtype: 'F32', shape: [192, 63], data: new Float32Array(192 * 63) });
  });
  assert.throws(
    () => loadWeights(broken, expected, { source: 'ckpt.safetensors' }),
    (e: unknown) => {
      assert.ok(e instanceof WeightsError);
      assert.equal(
        e.message,
        [
          'ckpt.safetensors: weights do not match the model (3 problems):',
          '  blocks.0.attn.qkv.weight: expected shape [192,64], found [192,63]',
          '  norm.weight: missing (expected shape [64])',
          '  head.weight: unexpected tensor [10,64]: the model has no such parameter',
        ].join('\n'),
      );
      return true;
    },
  );
});

test('problems in an HF file name the official parameter and the HF key it came from', () => {
  const hf = new Map(asFile(exportWeights(reference, expected, { naming: 'hf' })));
  hf.set('vit.layernorm.weight', { name: 'vit.layernorm.weight', dtype: 'F32', shape: [65], data: new Float32Array(65) });
  hf.delete('vit.encoder.layer.0.attention.attention.key.bias');
  hf.set('vit.pooler.dense.bias', { name: 'vit.pooler.dense.bias', dtype: 'F32', shape: [1], data: new Float32Array(1) });
  hf.set('mask_token', { name: 'mask_token', dtype: 'F32', shape: [1, 1, 32], data: new Float32Array(32) });
  assert.throws(() => loadWeights(hf, expected), (e: unknown) => {
    assert.ok(e instanceof WeightsError);
    assert.match(e.message, /norm\.weight: expected shape \[64\], found \[65\] \(from vit\.layernorm\.weight\)/);
    assert.match(e.message, /blocks\.0\.attn\.qkv\.bias: needs query, key and value; found query, value .* but no key/);
    assert.match(e.message, /blocks\.0\.attn\.qkv\.bias: missing/);
    assert.match(e.message, /vit\.pooler\.dense\.bias: unexpected tensor: not a Hugging Face ViTMAE parameter name/);
    assert.match(e.message, /mask_token: unexpected tensor: an official MAE name in a file that otherwise uses Hugging Face names/);
    return true;
  });
});

test('an integer tensor among the weights is a dtype problem', () => {
  const ints = edited((m) => m.set('norm.bias', { name: 'norm.bias', dtype: 'I64', shape: [64], data: new BigInt64Array(64) }));
  const problems = problemsOf(() => loadWeights(ints, expected));
  assert.deepEqual(problems, [['dtype', 'norm.bias'], ['missing', 'norm.bias']]);
});

test('a long list of problems is capped at 20 lines with "and N more"', () => {
  const empty = new Map<string, SafetensorsTensor>();
  assert.throws(() => loadWeights(empty, expected), (e: unknown) => {
    assert.ok(e instanceof WeightsError);
    assert.equal(e.problems.length, expected.length - 2); // every parameter but the two frozen tables
    const lines = e.message.split('\n');
    assert.equal(lines.length, 1 + 20 + 1 + 1); // title, 20 problems, "and N more", encoder-only hint
    assert.equal(lines[21], `  and ${expected.length - 2 - 20} more`);
    return true;
  });
});

test('export refuses arrays of the wrong length and names that are not parameters', () => {
  const bad = new Map(reference);
  bad.set('norm.weight', new Float32Array(3));
  bad.set('head.bias', new Float32Array(1));
  bad.delete('cls_token');
  assert.deepEqual(problemsOf(() => exportWeights(bad, expected)), [['missing', 'cls_token'], ['shape', 'norm.weight'], ['unexpected', 'head.bias']]);
});
