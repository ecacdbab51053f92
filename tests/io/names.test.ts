import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectNaming, hfToOfficialName, officialToHfNames, wrapperPrefix } from '../../runtime/weights/names.ts';
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
