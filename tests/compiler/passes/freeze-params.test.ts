import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildGraph, countParams, freezeParams } from '../../../compiler/index.ts';
import { small } from '../specs.ts';

const graph = buildGraph(small);

test('freezing the encoder leaves only the decoder trainable, for linear probing', () => {
  const frozen = freezeParams(graph, (p) => p.part === 'encoder');
  const before = countParams(graph);
  const after = countParams(frozen);
  assert.equal(after.encoder, 0);
  assert.equal(after.decoder, before.decoder);
  assert.equal(after.frozen, before.frozen + before.encoder);
  assert.ok(frozen.params.filter((p) => p.part === 'encoder').every((p) => !p.trainable && !p.decay));
});

test('freezing by layer id keeps only the last block and what follows trainable', () => {
  const frozen = freezeParams(graph, (p) => p.part === 'encoder' && p.layer <= 1);
  const trainable = frozen.params.filter((p) => p.part === 'encoder' && p.trainable).map((p) => p.name);
  assert.ok(trainable.every((name) => name.startsWith('blocks.1.') || name.startsWith('norm.')), trainable.join());
  assert.ok(trainable.includes('norm.weight'));
});

test('the input graph is not changed', () => {
  freezeParams(graph, () => true);
  assert.equal(countParams(graph).trainable, countParams(buildGraph(small)).trainable);
});
