import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as E from 'fp-ts/lib/Either.js';
import { buildGraph, parseGraph, serializeGraph } from '../../../compiler/index.ts';
import { small } from '../specs.ts';

test('parsing a serialised graph gives the same graph back, for every graph kind', () => {
  for (const kind of ['pretrain', 'symmetric', 'encoder'] as const) {
    const graph = buildGraph(small, kind);
    const parsed = parseGraph(serializeGraph(graph));
    assert.ok(E.isRight(parsed));
    assert.deepEqual(parsed.right, graph);
  }
});

test('text that is not JSON is reported as such', () => {
  const parsed = parseGraph('{nope');
  assert.ok(E.isLeft(parsed));
  assert.equal(parsed.left[0]?.code, 'IR010');
  assert.match(parsed.left[0]!.message, /^not JSON/);
});

test('JSON without the format marker is rejected', () => {
  const parsed = parseGraph('{}');
  assert.ok(E.isLeft(parsed));
  assert.deepEqual(parsed.left, [{ code: 'IR010', node: 'format', message: 'expected format maec-ir/1' }]);
});

test('an unknown op is reported at its path', () => {
  const json = JSON.parse(serializeGraph(buildGraph(small)));
  json.nodes[3].op = { kind: 'conv2d' };
  const parsed = parseGraph(JSON.stringify(json));
  assert.ok(E.isLeft(parsed));
  assert.ok(parsed.left.every((d) => d.node.startsWith('nodes.3.op')), JSON.stringify(parsed.left));
});
