import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HF_LAYOUTS, detectHfLayout, detectNaming, hfToOfficialName, officialToHfNames, wrapperPrefix, type HfLayout } from '../../runtime/weights/names.ts';
import { fixtureConfig, maeParams } from './params.ts';

const PAIRS: [string, string][] = [
  ['cls_token', 'vit.embeddings.cls_token'],
  ['pos_embed', 'vit.embeddings.position_embeddings'],
  ['patch_embed.proj.weight', 'vit.embeddings.patch_embeddings.projection.weight'],
  ['blocks.0.norm1.weight', 'vit.encoder.layer.0.layernorm_before.weight'],
  ['blocks.11.norm2.bias', 'vit.encoder.layer.11.layernorm_after.bias'],
  ['blocks.1.attn.proj.weight', 'vit.encoder.layer.1.attention.output.dense.weight'],
  ['blocks.1.mlp.fc1.bias', 'vit.encoder.layer.1.intermediate.dense.bias'],
  ['blocks.1.mlp.fc2.weight', 'vit.encoder.layer.1.output.dense.weight'],
  ['norm.weight', 'vit.layernorm.weight'],
  ['decoder_embed.bias', 'decoder.decoder_embed.bias'],
  ['mask_token', 'decoder.mask_token'],
  ['decoder_pos_embed', 'decoder.decoder_pos_embed'],
  ['decoder_blocks.7.mlp.fc2.bias', 'decoder.decoder_layers.7.output.dense.bias'],
  ['decoder_blocks.0.norm1.weight', 'decoder.decoder_layers.0.layernorm_before.weight'],
  ['decoder_norm.bias', 'decoder.decoder_norm.bias'],
  ['decoder_pred.weight', 'decoder.decoder_pred.weight'],
];

test('each official name maps to its Hugging Face name and back', () => {
  for (const [official, hf] of PAIRS) {
    assert.deepEqual(officialToHfNames(official), [hf]);
    assert.deepEqual(hfToOfficialName(hf), { name: official });
  }
});

test('qkv maps to query, key, value and each maps back with its part', () => {
  assert.deepEqual(officialToHfNames('decoder_blocks.2.attn.qkv.weight'), [
    'decoder.decoder_layers.2.attention.attention.query.weight',
    'decoder.decoder_layers.2.attention.attention.key.weight',
    'decoder.decoder_layers.2.attention.attention.value.weight',
  ]);
  assert.deepEqual(hfToOfficialName('vit.encoder.layer.3.attention.attention.value.bias'), { name: 'blocks.3.attn.qkv.bias', part: 'value' });
});

test('every parameter of the fixture model survives official -> HF -> official', () => {
  for (const { name } of maeParams(fixtureConfig())) {
    const hf = officialToHfNames(name);
    assert.ok(hf !== undefined, name);
    for (const h of hf) assert.equal(hfToOfficialName(h)?.name, name);
  }
});

test('bare ViTMAEModel keys (no vit. prefix) map too; foreign keys do not', () => {
  assert.deepEqual(hfToOfficialName('encoder.layer.0.layernorm_before.bias'), { name: 'blocks.0.norm1.bias' });
  assert.deepEqual(hfToOfficialName('embeddings.cls_token'), { name: 'cls_token' });
  assert.deepEqual(hfToOfficialName('layernorm.weight'), { name: 'norm.weight' });
  assert.equal(hfToOfficialName('vit.pooler.dense.weight'), undefined);
  assert.equal(hfToOfficialName('vit.encoder.layer.x.layernorm_before.weight'), undefined);
  assert.equal(officialToHfNames('head.weight'), undefined);
  assert.equal(officialToHfNames('fc_norm.bias'), undefined);
});

test('naming is detected from the keys', () => {
  assert.equal(detectNaming(['cls_token', 'decoder_blocks.0.norm1.weight', 'decoder_pred.bias']), 'official');
  assert.equal(detectNaming(['decoder.mask_token']), 'hf');
  assert.equal(detectNaming(['vit.layernorm.bias']), 'hf');
  assert.equal(detectNaming(['encoder.layer.0.output.dense.bias']), 'hf');
  assert.equal(detectNaming([]), 'official');
});

test('a wrapper prefix is found only when every key carries it', () => {
  assert.equal(wrapperPrefix(['model.cls_token', 'model.blocks.0.norm1.weight']), 'model.');
  assert.equal(wrapperPrefix(['module.model.cls_token', 'module.model.norm.bias']), 'module.model.');
  assert.equal(wrapperPrefix(['model.cls_token', 'norm.bias']), '');
  assert.equal(wrapperPrefix(['blocks.0.norm1.weight', 'blocks.1.norm1.weight']), '');
  assert.equal(wrapperPrefix(['vit.layernorm.weight']), '');
  assert.equal(wrapperPrefix(['model']), '');
  assert.equal(wrapperPrefix([]), '');
  // a classifier file holding only its head (or fc_norm) is not wrapped in `head.`
  assert.equal(wrapperPrefix(['head.weight', 'head.bias']), '');
  assert.equal(wrapperPrefix(['fc_norm.weight', 'fc_norm.bias']), '');
  assert.equal(wrapperPrefix(['module.head.weight', 'module.head.bias']), 'module.');
});

// The three Hugging Face layouts, as transformers 4.x and 5.18 write them (tests/fixtures/hf5
// holds files made by the real library).
const LAYOUT_CASES: [string, HfLayout, string, { name: string; part?: string }][] = [
  ['4.x decoder block', 'hf4', 'decoder.decoder_layers.1.attention.output.dense.weight', { name: 'decoder_blocks.1.attn.proj.weight' }],
  ['5.x saved decoder block', 'hf5-saved', 'decoder.decoder_encoder.layer.1.attention.output.dense.weight', { name: 'decoder_blocks.1.attn.proj.weight' }],
  ['5.x saved decoder qkv', 'hf5-saved', 'decoder.decoder_encoder.layer.0.attention.attention.value.bias', { name: 'decoder_blocks.0.attn.qkv.bias', part: 'value' }],
  ['5.x saved encoder block', 'hf5-saved', 'vit.encoder.layer.3.intermediate.dense.bias', { name: 'blocks.3.mlp.fc1.bias' }],
  ['5.x module q_proj', 'hf5-module', 'vit.layers.2.attention.q_proj.weight', { name: 'blocks.2.attn.qkv.weight', part: 'query' }],
  ['5.x module k_proj', 'hf5-module', 'decoder.decoder_layers.0.attention.k_proj.bias', { name: 'decoder_blocks.0.attn.qkv.bias', part: 'key' }],
  ['5.x module v_proj', 'hf5-module', 'vit.layers.0.attention.v_proj.bias', { name: 'blocks.0.attn.qkv.bias', part: 'value' }],
  ['5.x module o_proj', 'hf5-module', 'vit.layers.0.attention.o_proj.weight', { name: 'blocks.0.attn.proj.weight' }],
  ['5.x module fc1', 'hf5-module', 'decoder.decoder_layers.1.mlp.fc1.weight', { name: 'decoder_blocks.1.mlp.fc1.weight' }],
  ['5.x module fc2', 'hf5-module', 'vit.layers.1.mlp.fc2.bias', { name: 'blocks.1.mlp.fc2.bias' }],
  ['5.x module norm', 'hf5-module', 'vit.layers.1.layernorm_after.weight', { name: 'blocks.1.norm2.weight' }],
  ['5.x bare ViTMAEModel', 'hf5-module', 'layers.0.attention.o_proj.bias', { name: 'blocks.0.attn.proj.bias' }],
  ['5.x top-level', 'hf5-module', 'vit.embeddings.position_embeddings', { name: 'pos_embed' }],
];

test('each Hugging Face layout maps its own names, and only those', () => {
  for (const [what, layout, hf, official] of LAYOUT_CASES) {
    assert.deepEqual(hfToOfficialName(hf, layout), official, what);
    assert.deepEqual(hfToOfficialName(hf), official, `${what} (any layout)`);
    for (const other of HF_LAYOUTS) {
      const mapped = hfToOfficialName(hf, other);
      // top-level names and 4.x encoder names are shared; block names of one layout are not another's
      if (other !== layout && hf.includes('decoder_encoder')) assert.equal(mapped, undefined, `${what} in ${other}`);
      if (other !== layout && /(_proj|mlp\.fc|\.layers\.|^layers\.)/.test(hf)) assert.equal(mapped, undefined, `${what} in ${other}`);
    }
  }
});

test('every parameter of the fixture model survives official -> each layout -> official', () => {
  for (const layout of HF_LAYOUTS) {
    const all = maeParams(fixtureConfig()).flatMap(({ name }) => officialToHfNames(name, layout) ?? [`<none for ${name}>`]);
    assert.equal(new Set(all).size, all.length, `${layout}: names are distinct`);
    for (const { name } of maeParams(fixtureConfig())) {
      for (const h of officialToHfNames(name, layout)!) assert.equal(hfToOfficialName(h, layout)?.name, name, `${layout} ${h}`);
    }
    assert.equal(detectHfLayout(all), layout);
    assert.equal(detectNaming(all), 'hf');
  }
});

test('the layout named by most keys wins; 4.x on a tie (encoder-only 4.x and 5.x saved files are the same)', () => {
  assert.equal(detectHfLayout(['vit.layernorm.weight', 'vit.encoder.layer.0.output.dense.bias']), 'hf4');
  assert.equal(detectHfLayout(['vit.encoder.layer.0.output.dense.bias', 'decoder.decoder_encoder.layer.0.output.dense.bias']), 'hf5-saved');
  assert.equal(detectHfLayout(['layers.0.mlp.fc1.weight', 'layernorm.bias']), 'hf5-module');
  assert.equal(detectNaming(['layers.0.mlp.fc1.weight']), 'hf');
  assert.equal(wrapperPrefix(['module.layers.0.mlp.fc1.weight', 'module.layernorm.bias']), 'module.');
  assert.equal(wrapperPrefix(['layers.0.mlp.fc1.weight', 'layernorm.bias']), '');
});
