/**
 * Checkpoints written by the real transformers 5.x (tests/fixtures/hf5, made by
 * scripts/fixtures/make-hf5.py; versions in versions.json): every layout loads, with and
 * without a wrapper prefix, and `maec forward` on them gives transformers' own outputs.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { buildGraph } from '../../compiler/build/mae.ts';
import { decodeSpec } from '../../dsl/index.ts';
import { forwardCommand } from '../../cli/commands/forward.ts';
import { bufferIo } from '../../cli/io.ts';
import { loadSafetensors, saveSafetensors, toFloat32, toInt32, type SafetensorsTensor } from '../../runtime/io/index.ts';
import { detectHfLayout, loadWeights, WeightsError } from '../../runtime/weights/index.ts';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'hf5');
const SPEC = join(FIXTURES, 'spec.json');
const SAVED = join(FIXTURES, 'save_pretrained', 'model.safetensors');
const MODULE = join(FIXTURES, 'state_dict.safetensors');
const spec = (() => {
  const d = decodeSpec(JSON.parse(readFileSync(SPEC, 'utf8')));
  if (E.isLeft(d)) throw new Error('tests/fixtures/hf5/spec.json does not decode');
  return d.right;
})();
const params = buildGraph(spec).params;
const dir = mkdtempSync(join(tmpdir(), 'maec-hf5-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const prefixed = (tensors: ReadonlyMap<string, SafetensorsTensor>, prefix: string) => new Map([...tensors].map(([k, t]) => [prefix + k, t]));

test('the fixtures were made by transformers 5.x and hold the layouts they claim', async () => {
  const versions = JSON.parse(readFileSync(join(FIXTURES, 'versions.json'), 'utf8')) as { transformers: string };
  assert.match(versions.transformers, /^5\./);
  const saved = [...(await loadSafetensors(SAVED)).tensors.keys()];
  const module = [...(await loadSafetensors(MODULE)).tensors.keys()];
  assert.ok(saved.includes('decoder.decoder_encoder.layer.1.attention.attention.query.weight'));
  assert.ok(module.includes('vit.layers.1.attention.q_proj.weight') && module.includes('decoder.decoder_layers.0.mlp.fc2.bias'));
  assert.equal(detectHfLayout(saved), 'hf5-saved');
  assert.equal(detectHfLayout(module), 'hf5-module');
});

test('save_pretrained and state_dict files load to the same weights, with or without module./model. prefixes', async () => {
  const saved = (await loadSafetensors(SAVED)).tensors;
  const module = (await loadSafetensors(MODULE)).tensors;
  const reference = loadWeights(saved, params, { source: 'save_pretrained' });
  assert.equal(reference.size, params.length);
  for (const [what, tensors] of [
    ['state_dict', module],
    ['module.state_dict', prefixed(module, 'module.')],
    ['model.save_pretrained', prefixed(saved, 'model.')],
    ['module.model.state_dict', prefixed(module, 'module.model.')],
  ] as const) {
    const got = loadWeights(tensors, params, { source: what });
    for (const [name, data] of reference) assert.deepEqual(got.get(name), data, `${what}: ${name}`);
  }
});

test('an encoder-only 5.x state_dict (ViTMAEModel keys, no vit.) loads for feature extraction', async () => {
  const module = (await loadSafetensors(MODULE)).tensors;
  const bare = new Map([...module].filter(([k]) => k.startsWith('vit.')).map(([k, t]) => [k.slice('vit.'.length), t]));
  const encoder = buildGraph(spec, 'encoder').params;
  const got = loadWeights(bare, encoder, { encoderOnly: true });
  const whole = loadWeights(module, params);
  for (const p of encoder) assert.deepEqual(got.get(p.name), whole.get(p.name), p.name);
});

test('a tensor matching no layout, or another layout than the file, is an error naming it', async () => {
  const module = new Map((await loadSafetensors(MODULE)).tensors);
  const t = module.get('vit.layernorm.bias')!;
  module.set('vit.layers.0.attention.qkv_proj.weight', t);
  module.set('decoder.decoder_encoder.layer.0.layernorm_before.bias', t);
  assert.throws(
    () => loadWeights(module, params, { source: 'mixed.safetensors' }),
    (e: unknown) =>
      e instanceof WeightsError &&
      /vit\.layers\.0\.attention\.qkv_proj\.weight: unexpected tensor: not a Hugging Face ViTMAE parameter name \(the file uses transformers 5\.x module \(state_dict\) names\)/.test(e.message) &&
      /decoder\.decoder_encoder\.layer\.0\.layernorm_before\.bias: unexpected tensor: one of the transformers 5\.x save_pretrained names in a file that otherwise uses transformers 5\.x module/.test(e.message),
  );
  const partial = new Map((await loadSafetensors(MODULE)).tensors);
  partial.delete('vit.layers.1.attention.v_proj.bias');
  assert.throws(
    () => loadWeights(partial, params),
    (e: unknown) => e instanceof WeightsError && /blocks\.1\.attn\.qkv\.bias: needs query, key and value; found query, key \(vit\.layers\.1\.attention\.k_proj\.bias, vit\.layers\.1\.attention\.q_proj\.bias\) but no value/.test(e.message),
  );
});

test('maec forward on each 5.x file gives transformers 5.x outputs for the same noise', async (t) => {
  const fwd = (await loadSafetensors(join(FIXTURES, 'forward.safetensors'))).tensors;
  const inputs = join(dir, 'inputs.safetensors');
  const get = (name: string) => toFloat32(fwd.get(name)!);
  await saveSafetensors(inputs, new Map([
    ['imgs', { shape: fwd.get('pixel_values')!.shape, data: get('pixel_values') }],
    ['noise', { shape: fwd.get('noise')!.shape, data: get('noise') }],
  ]));
  for (const [what, weights] of [['save_pretrained', SAVED], ['state_dict', MODULE]] as const) {
    const out = join(dir, `${what}.out.safetensors`);
    const io = bufferIo(dir);
    const code = await forwardCommand.run([SPEC, '--weights', weights, '--inputs', inputs, '--out', out, '--backend', 'cpu'], io);
    assert.equal(code, 0, io.stderr.join(''));
    const got = (await loadSafetensors(out)).tensors;
    assert.deepEqual(Array.from(toInt32(got.get('ids_restore')!)), Array.from(toInt32(fwd.get('ids_restore')!)), `${what} ids_restore`);
    assert.deepEqual(Array.from(toFloat32(got.get('mask')!)), Array.from(get('mask')), `${what} mask`);
    for (const [mine, theirs] of [['loss', 'loss'], ['pred', 'logits'], ['latent', 'last_hidden_state']] as const) {
      const a = toFloat32(got.get(mine)!);
      const b = get(theirs);
      assert.equal(a.length, b.length, `${what} ${mine} size`);
      let worst = 0;
      for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / Math.max(1, Math.abs(b[i]!)));
      t.diagnostic(`${what} ${mine} vs transformers ${theirs}: worst error ${worst.toExponential(2)} (relative, floor 1)`);
      assert.ok(worst < 1e-5, `${what} ${mine}: worst ${worst}`);
    }
  }
});
