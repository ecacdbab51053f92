import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildGraph, checkShapes, countParams, prune } from '../../../compiler/index.ts';
import { small } from '../specs.ts';

const graph = buildGraph(small);

test('a forward pass without the loss drops the target and loss nodes and keeps every parameter', () => {
  const result = prune(graph, ['pred', 'mask']);
  assert.ok(result.ok);
  const ids = new Set(result.graph.nodes.map((n) => n.id));
  for (const gone of ['loss', 'target', 'target.normalized']) assert.ok(!ids.has(gone), gone);
  assert.ok(ids.has('decoder_pred'));
  assert.deepEqual(Object.keys(result.graph.outputs), ['pred', 'mask']);
  assert.equal(result.graph.params.length, graph.params.length);
  assert.deepEqual(checkShapes(result.graph), []);
});

test('keeping only the latent drops the decoder and its parameters', () => {
  const result = prune(graph, ['latent']);
  assert.ok(result.ok);
  assert.ok(result.graph.params.every((p) => p.part === 'encoder'));
  assert.equal(countParams(result.graph).encoder, countParams(graph).encoder);
  assert.equal(countParams(result.graph).decoder, 0);
  assert.deepEqual(checkShapes(result.graph), []);
});

test('pruned nodes keep their topological order', () => {
  const result = prune(graph, ['latent']);
  assert.ok(result.ok);
  const order = graph.nodes.map((n) => n.id).filter((id) => result.graph.nodes.some((n) => n.id === id));
  assert.deepEqual(result.graph.nodes.map((n) => n.id), order);
});

test('an unknown output name is an error naming the outputs that exist', () => {
  const result = prune(graph, ['logits']);
  assert.ok(!result.ok);
  assert.match(result.error, /^unknown output logits; the graph has loss, pred, mask/);
});
