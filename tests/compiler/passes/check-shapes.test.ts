import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildGraph, checkShapes, type Graph, type Node, type Param } from '../../../compiler/index.ts';
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

// ---------------------------------------------------------------------------------------------
// Hand-written graphs. Every shape below is written out by hand from the op's definition in
// compiler/ir/types.ts, not produced by the builder's inference, so these tests hold
// checkShapes (and the shape rules it calls) to shapes worked out independently.
//
// The fragment is one ViT stem and block on 8x8 three-channel images cut into 4x4 patches:
// g = 8 / 4 = 2, L = g*g = 4 patches of p*p*C = 4*4*3 = 48 values, width D = 8, 2 heads of
// 4, MLP hidden 16, plus the masking indices (int32) and the hwc loss target.
// ---------------------------------------------------------------------------------------------

const META: Graph['meta'] = {
  imageSize: 8,
  channels: 3,
  patch: 4,
  grid: 2,
  numPatches: 4,
  numVisible: 4,
  encoderWidth: 8,
  encoderDepth: 1,
  decoderWidth: 4,
  decoderDepth: 1,
  normPixLoss: false,
};

const param = (name: string, shape: readonly number[]): Param => ({
  name,
  shape,
  init: { kind: 'zeros' },
  trainable: true,
  decay: false,
  module: 'm',
  part: 'encoder',
  layer: 0,
});

const PARAMS: readonly Param[] = [
  param('patch_embed.proj.weight', [8, 3, 4, 4]),
  param('patch_embed.proj.bias', [8]),
  param('norm1.weight', [8]),
  param('norm1.bias', [8]),
  param('qkv.weight', [24, 8]),
  param('qkv.bias', [24]),
  param('proj.weight', [8, 8]),
  param('proj.bias', [8]),
  param('fc1.weight', [16, 8]),
  param('fc1.bias', [16]),
  param('fc2.weight', [8, 16]),
  param('fc2.bias', [8]),
];

const node = (id: string, op: Node['op'], inputs: readonly string[], shape: Node['shape'], dtype: Node['dtype'] = 'float32'): Node => ({ id, op, inputs, shape, dtype });
const paramNode = (p: Param): Node => node(p.name, { kind: 'param', name: p.name }, [], p.shape);
const P = Object.fromEntries(PARAMS.map((p) => [p.name, paramNode(p)]));

const NODES: readonly Node[] = [
  node('imgs', { kind: 'input', name: 'imgs' }, [], ['N', 3, 8, 8]),
  node('patchify', { kind: 'patchify', patch: 4, order: 'chw' }, ['imgs'], ['N', 4, 48]),
  P['patch_embed.proj.weight']!,
  P['patch_embed.proj.bias']!,
  node('patch_embed.proj', { kind: 'linear' }, ['patchify', 'patch_embed.proj.weight', 'patch_embed.proj.bias'], ['N', 4, 8]),
  P['norm1.weight']!,
  P['norm1.bias']!,
  node('norm1', { kind: 'layerNorm', eps: 1e-6 }, ['patch_embed.proj', 'norm1.weight', 'norm1.bias'], ['N', 4, 8]),
  P['qkv.weight']!,
  P['qkv.bias']!,
  node('qkv', { kind: 'linear' }, ['norm1', 'qkv.weight', 'qkv.bias'], ['N', 4, 24]),
  node('attn', { kind: 'attention', heads: 2 }, ['qkv'], ['N', 4, 8]),
  P['proj.weight']!,
  P['proj.bias']!,
  node('proj', { kind: 'linear' }, ['attn', 'proj.weight', 'proj.bias'], ['N', 4, 8]),
  node('residual', { kind: 'add' }, ['patch_embed.proj', 'proj'], ['N', 4, 8]),
  P['fc1.weight']!,
  P['fc1.bias']!,
  node('fc1', { kind: 'linear' }, ['residual', 'fc1.weight', 'fc1.bias'], ['N', 4, 16]),
  node('gelu', { kind: 'gelu' }, ['fc1'], ['N', 4, 16]),
  P['fc2.weight']!,
  P['fc2.bias']!,
  node('fc2', { kind: 'linear' }, ['gelu', 'fc2.weight', 'fc2.bias'], ['N', 4, 8]),
  node('pooled', { kind: 'meanTokens' }, ['fc2'], ['N', 8]),
  node('noise', { kind: 'input', name: 'noise' }, [], ['N', 4]),
  node('ids_shuffle', { kind: 'argsort' }, ['noise'], ['N', 4], 'int32'),
  node('target', { kind: 'patchify', patch: 4, order: 'hwc' }, ['imgs'], ['N', 4, 48]),
];

function handGraph(edit: { nodes?: Record<string, Node>; params?: Record<string, Param> } = {}): Graph {
  return {
    kind: 'encoder',
    meta: META,
    nodes: NODES.map((n) => edit.nodes?.[n.id] ?? n),
    params: PARAMS.map((p) => edit.params?.[p.name] ?? p),
    outputs: { pooled: 'pooled', target: 'target', ids_shuffle: 'ids_shuffle' },
  };
}

/** The hand-written node `id` with fields replaced. */
const changed = (id: string, fields: Partial<Node>): Record<string, Node> => ({ [id]: { ...NODES.find((n) => n.id === id)!, ...fields } });

test('a hand-written graph whose shapes follow every op definition has no findings', () => {
  assert.deepEqual(checkShapes(handGraph()), []);
});

test('a linear declared with the wrong output width is reported at that linear with the weight-derived width', () => {
  // fc1's weight is [16, 8]: it maps 8 features to 16, so [N, 4, 12] is wrong.
  const findings = checkShapes(handGraph({ nodes: changed('fc1', { shape: ['N', 4, 12] }) }));
  assert.deepEqual(findings, [{ code: 'IR001', node: 'fc1', message: 'declared [N, 4, 12], inferred [N, 4, 16]' }]);
});

test('a linear whose weight expects other input features than x has is reported at that linear', () => {
  // fc2 reads gelu [N, 4, 16]; a weight [8, 12] expects 12 features.
  const w = param('fc2.weight', [8, 12]);
  const findings = checkShapes(handGraph({ params: { 'fc2.weight': w }, nodes: { 'fc2.weight': paramNode(w) } }));
  assert.deepEqual(findings, [{ code: 'IR002', node: 'fc2', message: 'linear weight [8, 12] expects 12 input features, x is [N, 4, 16]' }]);
});

test("a linear whose bias is not the weight's output width is reported at that linear", () => {
  const b = param('qkv.bias', [8]);
  const findings = checkShapes(handGraph({ params: { 'qkv.bias': b }, nodes: { 'qkv.bias': paramNode(b) } }));
  assert.deepEqual(findings, [{ code: 'IR002', node: 'qkv', message: 'bias must be [24], got [8]' }]);
});

test('attention whose head count does not divide the width is reported at the attention node', () => {
  // qkv [N, 4, 24] is q, k, v of width 8; 3 heads cannot split 8 columns.
  const findings = checkShapes(handGraph({ nodes: changed('attn', { op: { kind: 'attention', heads: 3 } }) }));
  assert.deepEqual(findings, [{ code: 'IR002', node: 'attn', message: 'heads 3 do not divide width 8' }]);
});

test('attention fed a qkv whose width is not three widths is reported at the attention node', () => {
  // A qkv projection to 20 columns (not 3 * 8): attention cannot split it into q, k and v.
  const w = param('qkv.weight', [20, 8]);
  const b = param('qkv.bias', [20]);
  const findings = checkShapes(
    handGraph({
      params: { 'qkv.weight': w, 'qkv.bias': b },
      nodes: { 'qkv.weight': paramNode(w), 'qkv.bias': paramNode(b), ...changed('qkv', { shape: ['N', 4, 20] }) },
    }),
  );
  assert.deepEqual(findings, [{ code: 'IR002', node: 'attn', message: 'qkv width must be 3*D, got 20' }]);
});

test('attention declared with the qkv width instead of a third of it is reported at the attention node', () => {
  const findings = checkShapes(handGraph({ nodes: changed('attn', { shape: ['N', 4, 24] }) }));
  assert.deepEqual(findings, [{ code: 'IR001', node: 'attn', message: 'declared [N, 4, 24], inferred [N, 4, 8]' }]);
});

test('patchify declared with another grid than image size / patch is reported at that patchify', () => {
  // [N, 16, 12] would be 2x2 patches; patch 4 on 8x8x3 images gives 2*2 = 4 patches of 4*4*3 = 48.
  const findings = checkShapes(handGraph({ nodes: changed('target', { shape: ['N', 16, 12] }) }));
  assert.deepEqual(findings, [{ code: 'IR001', node: 'target', message: 'declared [N, 16, 12], inferred [N, 4, 48]' }]);
});

test('patchify declared with a patch length that leaves out the channels is reported', () => {
  const findings = checkShapes(handGraph({ nodes: changed('patchify', { shape: ['N', 4, 16] }) }));
  assert.deepEqual(findings, [{ code: 'IR001', node: 'patchify', message: 'declared [N, 4, 16], inferred [N, 4, 48]' }]);
});

test('patchify with a patch that does not divide the image size is reported at that patchify', () => {
  const findings = checkShapes(handGraph({ nodes: changed('target', { op: { kind: 'patchify', patch: 3, order: 'hwc' } }) }));
  assert.deepEqual(findings, [{ code: 'IR002', node: 'target', message: 'patch 3 does not divide image size 8' }]);
});

test('non-square images are reported at every patchify that reads them', () => {
  const findings = checkShapes(handGraph({ nodes: changed('imgs', { shape: ['N', 3, 8, 4] }) }));
  assert.deepEqual(findings, [
    { code: 'IR002', node: 'patchify', message: 'images must be square, got 8x4' },
    { code: 'IR002', node: 'target', message: 'images must be square, got 8x4' },
  ]);
});

test('an elementwise node declared with another shape than its input is reported at that node only', () => {
  // gelu keeps fc1's [N, 4, 16]; fc2 after it is checked against the inferred [N, 4, 16], so
  // the one mistake gives one finding.
  const findings = checkShapes(handGraph({ nodes: changed('gelu', { shape: ['N', 4, 8] }) }));
  assert.deepEqual(findings, [{ code: 'IR001', node: 'gelu', message: 'declared [N, 4, 8], inferred [N, 4, 16]' }]);
});

test('an add of two streams of different widths is reported at the add', () => {
  // The residual adds patchify's [N, 4, 48] to proj's [N, 4, 8]: neither width is 1, so no broadcast.
  const findings = checkShapes(handGraph({ nodes: changed('residual', { inputs: ['patchify', 'proj'] }) }));
  assert.deepEqual(findings, [{ code: 'IR002', node: 'residual', message: 'add cannot broadcast [N, 4, 48] with [N, 4, 8]' }]);
});

test('a layerNorm whose gamma does not match the normalised width is reported at the layerNorm', () => {
  const g = param('norm1.weight', [16]);
  const findings = checkShapes(handGraph({ params: { 'norm1.weight': g }, nodes: { 'norm1.weight': paramNode(g) } }));
  assert.deepEqual(findings, [{ code: 'IR002', node: 'norm1', message: 'layerNorm gamma/beta must be [8], got [16] and [8]' }]);
});

test('a param node whose shape differs from its declaration is reported at the param node', () => {
  const findings = checkShapes(handGraph({ nodes: changed('proj.weight', { shape: [8, 4] }) }));
  assert.deepEqual(findings, [{ code: 'IR001', node: 'proj.weight', message: 'declared [8, 4], inferred [8, 8]' }]);
});

test('argsort indices declared float32 are reported as a dtype mismatch', () => {
  const findings = checkShapes(handGraph({ nodes: changed('ids_shuffle', { dtype: 'float32' }) }));
  assert.deepEqual(findings, [{ code: 'IR001', node: 'ids_shuffle', message: 'declared [N, 4], inferred [N, 4] int32' }]);
});

test('a node id used twice is reported', () => {
  const g = handGraph();
  const dup: Graph = { ...g, nodes: [...g.nodes, node('gelu', { kind: 'gelu' }, ['fc2'], ['N', 4, 8])] };
  assert.deepEqual(checkShapes(dup), [{ code: 'IR005', node: 'gelu', message: 'node id used twice' }]);
});
