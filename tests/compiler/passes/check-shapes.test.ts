import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildGraph, checkShapes, type Graph, type Node } from '../../../compiler/index.ts';
import { small } from '../specs.ts';

const graph = buildGraph(small);

function editNode(g: Graph, id: string, edit: (n: Node) => Node): Graph {
  return { ...g, nodes: g.nodes.map((n) => (n.id === id ? edit(n) : n)) };
}

test('graphs made by the builder have no shape findings, for every graph kind', () => {
  for (const kind of ['pretrain', 'symmetric', 'encoder'] as const) assert.deepEqual(checkShapes(buildGraph(small, kind)), []);
});

test('a hand-edited node shape is reported at that node with both shapes', () => {
  const edited = editNode(graph, 'blocks.0.attn.core', (n) => ({ ...n, shape: ['N', 5, 16] }));
  assert.deepEqual(checkShapes(edited), [{ code: 'IR001', node: 'blocks.0.attn.core', message: 'declared [N, 5, 16], inferred [N, 5, 32]' }]);
});

test('a hand-edited dtype is reported', () => {
  const edited = editNode(graph, 'ids_shuffle', (n) => ({ ...n, dtype: 'float32' }));
  assert.deepEqual(checkShapes(edited)[0], { code: 'IR001', node: 'ids_shuffle', message: 'declared [N, 16], inferred [N, 16] int32' });
});

test('an op whose shape rule fails is reported with the rule message', () => {
  const edited = editNode(graph, 'blocks.1.attn.core', (n) => ({ ...n, op: { kind: 'attention', heads: 5 } }));
  assert.deepEqual(checkShapes(edited), [{ code: 'IR002', node: 'blocks.1.attn.core', message: 'heads 5 do not divide width 32' }]);
});

test('an input that is not defined before its consumer is reported', () => {
  const edited = editNode(graph, 'norm', (n) => ({ ...n, inputs: ['nowhere', ...n.inputs.slice(1)] }));
  assert.deepEqual(checkShapes(edited), [{ code: 'IR003', node: 'norm', message: 'input nowhere is not defined before this node' }]);
});

test('an output that names no node is reported', () => {
  const edited: Graph = { ...graph, outputs: { ...graph.outputs, extra: 'ghost' } };
  assert.deepEqual(checkShapes(edited), [{ code: 'IR004', node: 'ghost', message: 'output extra names no node' }]);
});
