import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyze, buildGraph, countParams } from '../../../compiler/index.ts';
import { base } from '../specs.ts';

const counts = countParams(buildGraph(base));

test('MAE ViT-B/16 has the official 111,655,680 trainable parameters', () => {
  assert.equal(counts.trainable, 111_655_680);
  assert.equal(counts.encoder, 85_647_360);
  assert.equal(counts.decoder, 26_008_320);
});

test('the frozen position tables are counted apart: (1 + 196) * (768 + 512)', () => {
  assert.equal(counts.frozen, 197 * 768 + 197 * 512);
});

test('MAE ViT-B/16 counts per module', () => {
  const row = (part: string, module: string) => counts.modules.find((m) => m.part === part && m.module === module);
  assert.deepEqual(row('encoder', 'patch_embed'), { part: 'encoder', module: 'patch_embed', trainable: 768 * 768 + 768, frozen: 0 });
  assert.deepEqual(row('encoder', 'tokens'), { part: 'encoder', module: 'tokens', trainable: 768, frozen: 197 * 768 });
  assert.equal(row('encoder', 'blocks.11')?.trainable, 7_087_872);
  assert.equal(row('encoder', 'norm')?.trainable, 2 * 768);
  assert.equal(row('decoder', 'decoder_embed')?.trainable, 768 * 512 + 512);
  assert.deepEqual(row('decoder', 'tokens'), { part: 'decoder', module: 'tokens', trainable: 512, frozen: 197 * 512 });
  assert.equal(row('decoder', 'decoder_blocks.7')?.trainable, 3_152_384);
  assert.equal(row('decoder', 'decoder_norm')?.trainable, 1024);
  assert.equal(row('decoder', 'decoder_pred')?.trainable, 512 * 768 + 768);
  // patch_embed, tokens, norm + 12 blocks; decoder_embed, tokens, decoder_norm, decoder_pred + 8 blocks.
  assert.equal(counts.modules.length, 3 + 12 + 4 + 8);
});

test('MAE ViT-B/16 sequence lengths and visible tokens', () => {
  const report = analyze(base);
  assert.equal(report.numPatches, 196);
  assert.equal(report.numVisible, 49);
  assert.deepEqual(report.sequence, { encoder: 50, decoder: 197 });
});
