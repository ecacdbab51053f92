import assert from 'node:assert/strict';
import { test } from 'node:test';
import { activationBytes, buildGraph, nodeActivationBytes, trainingStateBytes, type Node } from '../../../compiler/index.ts';
import { base, small, tiny } from '../specs.ts';

const node = (shape: Node['shape'], op: Node['op'] = { kind: 'gelu' }): Node => ({ id: 'x', op, inputs: [], shape, dtype: 'float32' });

test('an activation costs 4 bytes per element of one image', () => {
  assert.equal(nodeActivationBytes(node(['N', 50, 768])), 50 * 768 * 4);
});

test('nodes without the batch dimension are not activations', () => {
  assert.equal(nodeActivationBytes(node([1, 197, 768])), 0);
});

test('attention also keeps its softmax probabilities [heads, T, T]', () => {
  assert.equal(nodeActivationBytes(node(['N', 50, 768], { kind: 'attention', heads: 12 })), 50 * 768 * 4 + 12 * 50 * 50 * 4);
});

test('activation bytes are the sum over the nodes of the graph', () => {
  const graph = buildGraph(small);
  assert.equal(activationBytes(graph), graph.nodes.reduce((a, n) => a + nodeActivationBytes(n), 0));
  assert.ok(activationBytes(buildGraph(small, 'symmetric')) > activationBytes(graph));
});

test('the tiny config keeps its image, noise and patches among the activations', () => {
  const graph = buildGraph(tiny);
  const imgs = graph.nodes.find((n) => n.id === 'imgs')!;
  assert.equal(nodeActivationBytes(imgs), 16 * 4);
});

test('training state is 16 bytes per trainable parameter and 4 per frozen one', () => {
  assert.equal(trainingStateBytes(buildGraph(base)), 16 * 111_655_680 + 4 * 252_160);
});
