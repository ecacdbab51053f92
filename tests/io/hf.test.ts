import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hfToOfficial, officialToHf } from '../../runtime/weights/hf.ts';
import { WeightsError } from '../../runtime/weights/problems.ts';

const D = 2;
// qkv weight [3D, D]: rows 0-1 are q, 2-3 k, 4-5 v
const qkvWeight = { shape: [3 * D, D], data: Float32Array.from({ length: 3 * D * D }, (_, i) => i) };
const qkvBias = { shape: [3 * D], data: new Float32Array([10, 11, 20, 21, 30, 31]) };

test('official -> HF splits qkv rows into query, key, value in that order', () => {
  const hf = officialToHf(new Map([['blocks.0.attn.qkv.weight', qkvWeight], ['blocks.0.attn.qkv.bias', qkvBias]]));
  const layer = 'vit.encoder.layer.0.attention.attention';
  assert.deepEqual(hf.get(`${layer}.query.weight`), { shape: [D, D], data: new Float32Array([0, 1, 2, 3]) });
  assert.deepEqual(hf.get(`${layer}.key.weight`), { shape: [D, D], data: new Float32Array([4, 5, 6, 7]) });
  assert.deepEqual(hf.get(`${layer}.value.weight`), { shape: [D, D], data: new Float32Array([8, 9, 10, 11]) });
  assert.deepEqual(hf.get(`${layer}.key.bias`), { shape: [D], data: new Float32Array([20, 21]) });
  assert.equal(hf.size, 6);
});

test('HF -> official concatenates query, key, value back into the same qkv', () => {
  const official = new Map([['decoder_blocks.1.attn.qkv.weight', qkvWeight], ['decoder_blocks.1.attn.qkv.bias', qkvBias], ['norm.weight', { shape: [D], data: new Float32Array([1, 2]) }]]);
  const back = hfToOfficial(officialToHf(official));
  assert.deepEqual(back.problems, []);
  assert.deepEqual(back.unknown, []);
  for (const [name, array] of official) assert.deepEqual({ shape: back.tensors.get(name)!.shape, data: back.tensors.get(name)!.data }, array, name);
  assert.equal(back.tensors.get('decoder_blocks.1.attn.qkv.weight')!.source, 'decoder.decoder_layers.1.attention.attention.{query,key,value}.weight');
});

test('an incomplete or inconsistent q/k/v triple is a problem naming the parts', () => {
  const layer = 'vit.encoder.layer.4.attention.attention';
  const part = (n: number) => ({ shape: [n, D], data: new Float32Array(n * D) });
  const missing = hfToOfficial(new Map([[`${layer}.query.weight`, part(D)], [`${layer}.key.weight`, part(D)]]));
  assert.deepEqual(missing.problems.map((p) => [p.code, p.name]), [['qkv', 'blocks.4.attn.qkv.weight']]);
  assert.match(missing.problems[0]!.message, /found query, key .* but no value/);
  const uneven = hfToOfficial(new Map([[`${layer}.query.weight`, part(D)], [`${layer}.key.weight`, part(D)], [`${layer}.value.weight`, part(D + 1)]]));
  assert.match(uneven.problems[0]!.message, /must share one shape \[D, \.\.\.\], found \[2,2\], \[2,2\], \[3,2\]/);
});

test('keys that are not ViTMAE parameters are listed as unknown, not dropped silently', () => {
  const out = hfToOfficial(new Map([['vit.pooler.dense.bias', { shape: [D], data: new Float32Array(D) }]]));
  assert.deepEqual(out.unknown, ['vit.pooler.dense.bias']);
  assert.equal(out.tensors.size, 0);
});

test('official -> HF refuses names it cannot map and qkv rows not divisible by 3', () => {
  assert.throws(
    () => officialToHf(new Map([['head.weight', qkvBias], ['blocks.0.attn.qkv.bias', { shape: [7], data: new Float32Array(7) }]])),
    (e: unknown) => e instanceof WeightsError && e.problems.map((p) => p.name).join() === 'head.weight,blocks.0.attn.qkv.bias' && /expected a qkv shape \[3D, \.\.\.\], found \[7\]/.test(e.message),
  );
});
