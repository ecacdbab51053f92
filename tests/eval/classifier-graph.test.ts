import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildClassifier, dropPathRate } from '../../compiler/build/classifier.ts';
import { buildGraph } from '../../compiler/build/mae.ts';
import { tinySpec } from './fixtures.ts';

const graph = buildClassifier(tinySpec, { numClasses: 4, dropPath: 0.1, headInitStd: 2e-5 });
const shapeOf = (output: string) => graph.nodes.find((n) => n.id === graph.outputs[output])!.shape;

test('the classifier outputs logits [N, classes], pooled features [N, D] and tokens [N, 1+L, D]', () => {
  assert.deepEqual(shapeOf('logits'), ['N', 4]);
  assert.deepEqual(shapeOf('features'), ['N', 32]);
  assert.deepEqual(shapeOf('latent'), ['N', 17, 32]);
});

test('its parameters are the encoder s official names without the final norm, plus fc_norm and head', () => {
  const encoder = buildGraph(tinySpec, 'encoder').params.map((p) => p.name).filter((n) => !n.startsWith('norm.'));
  const names = graph.params.map((p) => p.name);
  assert.deepEqual(names.filter((n) => !n.startsWith('fc_norm.') && !n.startsWith('head.')).sort(), [...encoder].sort());
  assert.deepEqual(names.filter((n) => n.startsWith('fc_norm.') || n.startsWith('head.')).sort(), ['fc_norm.bias', 'fc_norm.weight', 'head.bias', 'head.weight']);
});

test('head weight is initialised with the given std, layer ids place fc_norm and head after the blocks', () => {
  const head = graph.params.find((p) => p.name === 'head.weight')!;
  assert.deepEqual(head.init, { kind: 'normal', std: 2e-5 });
  assert.deepEqual(head.shape, [4, 32]);
  assert.equal(head.layer, 3);
  assert.equal(graph.params.find((p) => p.name === 'fc_norm.weight')!.layer, 3);
  assert.equal(graph.params.find((p) => p.name === 'blocks.1.mlp.fc2.weight')!.layer, 2);
  assert.equal(graph.params.find((p) => p.name === 'cls_token')!.decay, false);
});

test('drop path rates rise linearly from 0 at the first block to the rate at the last', () => {
  const got = [0, 1, 2, 3].map((i) => dropPathRate(0.3, i, 4));
  [0, 0.1, 0.2, 0.3].forEach((want, i) => assert.ok(Math.abs(got[i]! - want) < 1e-12, `block ${i}: ${got[i]}`));
  const rates = graph.nodes.flatMap((n) => (n.op.kind === 'dropPath' ? [[n.id, n.op.rate] as const] : []));
  assert.deepEqual(rates, [['blocks.1.attn.drop_path', 0.1], ['blocks.1.mlp.drop_path', 0.1]]);
});

test('without drop path the graph has no dropPath node', () => {
  const plain = buildClassifier(tinySpec, { numClasses: 4, dropPath: 0, headInitStd: 0.01 });
  assert.equal(plain.nodes.filter((n) => n.op.kind === 'dropPath').length, 0);
});
