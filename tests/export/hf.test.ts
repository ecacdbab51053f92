/**
 * `maec export --to hf` and `--to official`: the folder's files, a bit-identical round trip
 * maec -> export -> maec, and equality with what transformers 5.x itself saved
 * (tests/fixtures/hf5). Loading the hf folder in Python is checked by hand
 * (scripts/check-hf-export.py, docs/weights.md), not here.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildGraph } from '../../compiler/build/mae.ts';
import { decodeMeta } from '../../runtime/checkpoint/format.ts';
import { loadSafetensors, toFloat32 } from '../../runtime/io/index.ts';
import { officialModel } from '../../runtime/weights/interop.ts';
import { loadWeights, officialToHfNames } from '../../runtime/weights/index.ts';
import { sincos2dTable } from '../../runtime/position.ts';
import { exportCli, fixtureSpec, HF5, makeRun, SPEC_PATH, tempDir } from './run.ts';

const dir = tempDir('export-hf');
let run = '';
before(async () => {
  run = await makeRun(dir);
});
after(() => rmSync(dir, { recursive: true, force: true }));

const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;

async function runWeights(): Promise<Map<string, Float32Array>> {
  const tensors = (await loadSafetensors(join(run, 'checkpoint.safetensors'))).tensors;
  return new Map([...tensors].filter(([k]) => !k.startsWith('optimizer.')).map(([k, t]) => [k, toFloat32(t)]));
}

test('--to hf writes config.json, preprocessor_config.json and model.safetensors that read back bit-identical', async () => {
  const out = join(dir, 'hf');
  const r = await exportCli(dir, run, '--to', 'hf', '--out', out);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /wrote hf export of .*checkpoint\.safetensors to hf: config\.json, preprocessor_config\.json, model\.safetensors/);
  const spec = fixtureSpec();
  const config = readJson(join(out, 'config.json'));
  assert.deepEqual(
    [config['model_type'], config['image_size'], config['patch_size'], config['num_channels'], config['hidden_size'], config['num_hidden_layers'], config['num_attention_heads'], config['intermediate_size']],
    ['vit_mae', 8, 4, 3, 8, 2, 2, 16],
  );
  assert.deepEqual([config['decoder_hidden_size'], config['decoder_num_hidden_layers'], config['decoder_num_attention_heads'], config['decoder_intermediate_size']], [8, 2, 2, 16]);
  assert.deepEqual([config['mask_ratio'], config['norm_pix_loss'], config['layer_norm_eps'], config['qkv_bias'], config['hidden_act']], [0.75, true, 1e-6, true, 'gelu']);
  const stats = decodeMeta((await loadSafetensors(join(run, 'checkpoint.safetensors'))).metadata, 'run').stats;
  const pre = readJson(join(out, 'preprocessor_config.json'));
  const expand = (v: readonly number[]) => (v.length === 1 ? [v[0], v[0], v[0]] : [...v]);
  assert.deepEqual([pre['image_mean'], pre['image_std'], pre['size'], pre['image_processor_type']], [expand(stats.mean), expand(stats.std), { height: 8, width: 8 }, 'ViTImageProcessor']);

  const file = await loadSafetensors(join(out, 'model.safetensors'));
  assert.equal(file.metadata['format'], 'pt');
  const graph = buildGraph(spec);
  const expectedKeys = graph.params.flatMap((p) => officialToHfNames(p.name)!).sort();
  assert.deepEqual([...file.tensors.keys()].sort(), expectedKeys, 'every parameter under its transformers 4.x name, the sin-cos tables too');
  const back = loadWeights(file.tensors, graph.params, { source: 'hf/model.safetensors' });
  const original = await runWeights();
  for (const p of graph.params) {
    const want = original.get(p.name) ?? sincos2dTable(2, p.shape[2]!);
    assert.deepEqual(back.get(p.name), want, `${p.name} after maec -> hf -> maec`);
  }
});

test('the hf export of a transformers 5.x model equals what transformers saved, name for name and bit for bit', async () => {
  const out = join(dir, 'hf-of-hf5');
  const r = await exportCli(dir, join(HF5, 'state_dict.safetensors'), '--spec', SPEC_PATH, '--mean', '0.5', '--std', '0.25', '--to', 'hf', '--out', out);
  assert.equal(r.code, 0, r.stderr);
  const ours = (await loadSafetensors(join(out, 'model.safetensors'))).tensors;
  const theirs = (await loadSafetensors(join(HF5, 'save_pretrained', 'model.safetensors'))).tensors;
  // transformers 5.x save_pretrained spells decoder blocks decoder.decoder_encoder.layer.N (4.x: decoder.decoder_layers.N)
  const renamed = new Map([...theirs].map(([k, t]) => [k.replace('decoder.decoder_encoder.layer.', 'decoder.decoder_layers.'), t]));
  assert.deepEqual([...ours.keys()].sort(), [...renamed.keys()].sort());
  for (const [k, t] of renamed) assert.deepEqual(toFloat32(ours.get(k)!), toFloat32(t), k);
  const config = readJson(join(out, 'config.json'));
  const saved = readJson(join(HF5, 'save_pretrained', 'config.json'));
  for (const key of ['image_size', 'patch_size', 'num_channels', 'hidden_size', 'num_hidden_layers', 'num_attention_heads', 'intermediate_size', 'decoder_hidden_size', 'decoder_num_hidden_layers', 'decoder_num_attention_heads', 'decoder_intermediate_size', 'mask_ratio', 'norm_pix_loss', 'layer_norm_eps', 'qkv_bias', 'hidden_act', 'model_type'])
    assert.deepEqual(config[key], saved[key], `config.json ${key}`);
  const pre = readJson(join(out, 'preprocessor_config.json'));
  assert.deepEqual([pre['image_mean'], pre['image_std']], [[0.5, 0.5, 0.5], [0.25, 0.25, 0.25]]);
});

test('--to official writes official names (bit-identical on reading back) and a README with the .pth recipe', async () => {
  const out = join(dir, 'official');
  const r = await exportCli(dir, run, '--to', 'official', '--out', out);
  assert.equal(r.code, 0, r.stderr);
  const graph = buildGraph(fixtureSpec());
  const file = await loadSafetensors(join(out, 'model.safetensors'));
  assert.deepEqual([...file.tensors.keys()].sort(), graph.params.map((p) => p.name).sort());
  const back = loadWeights(file.tensors, graph.params);
  const original = await runWeights();
  for (const [name, data] of original) assert.deepEqual(back.get(name), data, name);
  const readme = readFileSync(join(out, 'README.md'), 'utf8');
  assert.match(readme, /torch\.save\(\{'model': safetensors\.torch\.load_file\('model\.safetensors'\)\}, 'checkpoint\.pth'\)/);
  assert.match(readme, /main_pretrain\.py --model YOUR_MODEL_NAME --input_size 8 --mask_ratio 0\.75 --norm_pix_loss --resume checkpoint\.pth/);
  assert.match(readme, /main_finetune\.py --model YOUR_MODEL_NAME --input_size 8 --finetune checkpoint\.pth/);
  assert.match(readme, /models_mae\.MaskedAutoencoderViT\(img_size=8, patch_size=4, in_chans=3, embed_dim=8, depth=2, num_heads=2, decoder_embed_dim=8, decoder_depth=2, decoder_num_heads=2, mlp_ratio=2\.0, norm_layer=partial\(nn\.LayerNorm, eps=1e-06\), norm_pix_loss=True\)/);
});

test('the official model of a ViT-B/16 spec is the preset; other sizes get the constructor; what it cannot build is refused', () => {
  const base = fixtureSpec();
  const b16 = { ...base, image: { size: 224, channels: 3 }, encoder: { kind: 'vit' as const, patch: 16, width: 768, depth: 12, heads: 12, mlpRatio: 4 }, decoder: { width: 512, depth: 8, heads: 16, mlpRatio: 4 } };
  assert.equal(officialModel(b16).pretrainPreset, 'mae_vit_base_patch16');
  assert.equal(officialModel(b16).finetunePreset, 'vit_base_patch16');
  const l16 = { ...b16, encoder: { ...b16.encoder, width: 1024, depth: 24, heads: 16 } };
  assert.equal(officialModel(l16).pretrainPreset, 'mae_vit_large_patch16');
  const smallDecoder = { ...b16, decoder: { ...b16.decoder, depth: 1 } };
  assert.equal(officialModel(smallDecoder).pretrainPreset, undefined);
  assert.equal(officialModel(smallDecoder).finetunePreset, 'vit_base_patch16');
  assert.equal(officialModel({ ...b16, image: { size: 112, channels: 3 } }).finetunePreset, undefined);
  assert.throws(() => officialModel({ ...base, decoder: { ...base.decoder, mlpRatio: 4 } }), /spec\.decoder\.mlpRatio \(4\) differs from spec\.encoder\.mlpRatio \(2\)/);
  assert.throws(() => officialModel({ ...base, maskTokensInEncoder: true }), /spec\.maskTokensInEncoder is true/);
});
