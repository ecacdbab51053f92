import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { buildClassifier } from '../../compiler/build/classifier.ts';
import { openTarget } from '../../runtime/tfjs/target.ts';
import { classifierStart } from '../../runtime/eval/classifier-params.ts';
import { drawDropPathKeeps } from '../../runtime/eval/drop-path.ts';
import { lrScale, lrScales } from '../../runtime/eval/layer-decay.ts';
import { smoothedTargets } from '../../runtime/eval/loss.ts';
import { crossEntropy } from '../../runtime/tfjs/ops/loss.ts';
import { lower } from '../../runtime/tfjs/program.ts';
import { dropPath } from '../../runtime/tfjs/ops/classify.ts';
import { Rng } from '../../runtime/rng.ts';
import { tinySpec } from './fixtures.ts';

const target = await openTarget('cpu');

test('layer-wise decay: scale = decay^(depth + 1 - layer id), 1 for the head', () => {
  assert.equal(lrScale(7, 6, 0.75), 1);
  assert.ok(Math.abs(lrScale(0, 6, 0.75) - 0.75 ** 7) < 1e-15);
  const graph = buildClassifier(tinySpec, { numClasses: 4, dropPath: 0.1, headInitStd: 2e-5 });
  const scales = lrScales(graph.params, 2, 0.5);
  assert.equal(scales.get('patch_embed.proj.weight'), 0.125);
  assert.equal(scales.get('blocks.0.attn.qkv.weight'), 0.25);
  assert.equal(scales.get('blocks.1.norm1.bias'), 0.5);
  assert.equal(scales.get('head.weight'), 1);
});

test('label smoothing: the IR loss on smoothed targets equals (1 - s) * nll + s * mean(-log p), computed by hand', () => {
  const logits = [2, 0, -1];
  const z = Math.log(logits.reduce((a, l) => a + Math.exp(l), 0));
  const logp = logits.map((l) => l - z);
  const expected = 0.9 * -logp[0]! + 0.1 * -(logp[0]! + logp[1]! + logp[2]!) / 3;
  assert.deepEqual(Array.from(smoothedTargets(Int32Array.of(0), 3, 0.1)), [Math.fround(0.9 + 0.1 / 3), Math.fround(0.1 / 3), Math.fround(0.1 / 3)]);
  const loss = (s: number) => crossEntropy(tf.tensor2d([logits]), tf.tensor2d(smoothedTargets(Int32Array.of(0), 3, s), [1, 3])).dataSync()[0]!;
  const got = loss(0.1);
  assert.ok(Math.abs(got - expected) < 1e-6, `${got} vs ${expected}`);
  const plain = loss(0);
  assert.ok(Math.abs(plain + logp[0]!) < 1e-6);
});

test('drop path drops whole samples and scales the kept ones by 1 / (1 - rate)', () => {
  const x = tf.ones([3, 2, 2]);
  const y = dropPath(x, 0.25, tf.tensor1d([1, 0, 1])).arraySync() as number[][][];
  assert.deepEqual(y[1], [[0, 0], [0, 0]]);
  for (const v of [...y[0]!.flat(), ...y[2]!.flat()]) assert.ok(Math.abs(v - 4 / 3) < 1e-6);
  assert.equal(dropPath(x, 0.25, undefined), x, 'identity without draws');
});

test('drop path is the identity at evaluation and changes the training forward pass', () => {
  const graph = buildClassifier(tinySpec, { numClasses: 4, dropPath: 0.5, headInitStd: 0.5 });
  const plain = buildClassifier(tinySpec, { numClasses: 4, dropPath: 0, headInitStd: 0.5 });
  const values = classifierStart(graph, 1);
  const params = new Map(graph.params.map((p) => [p.name, tf.tensor(values.get(p.name)!, [...p.shape])]));
  const imgs = tf.randomNormal([8, 1, 16, 16], 0, 1, 'float32', 2);
  const logitsOf = (g: typeof graph, keep?: Map<string, tf.Tensor>) => {
    const labels = tf.tensor2d(smoothedTargets(new Int32Array(8), 4, 0), [8, 4]);
    const r = lower(g, target).lossAndGrads(params, { imgs, labels }, ['logits'], keep ? { dropPathKeep: keep } : {});
    return r.outputs['logits']!.arraySync();
  };
  const evalLogits = logitsOf(graph);
  assert.deepEqual(evalLogits, lower(plain, target).run(params, { imgs }, ['logits'])['logits']!.arraySync());
  const draws = drawDropPathKeeps(graph, 8, Rng.fromSeed(4));
  assert.ok([...draws.values()].some((k) => k.includes(0)), 'some sample is dropped at rate 0.5');
  const keep = new Map([...draws].map(([id, k]) => [id, tf.tensor1d(k)]));
  const trainLogits = logitsOf(graph, keep);
  assert.notDeepEqual(trainLogits, evalLogits);
});
