/**
 * The ONNX lowering on every graph kind maec builds, run by onnxruntime-node against the tfjs
 * program on the same parameters: the MAE, the symmetric baseline (maskReplace), the
 * fine-tuning classifier (meanTokens, dropPath at evaluation, crossEntropy) and the probe head
 * (features input). Parameters are random everywhere, biases and norms included.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import * as ort from 'onnxruntime-node';
import { buildGraph } from '../../compiler/build/mae.ts';
import { buildClassifier } from '../../compiler/build/classifier.ts';
import { buildProbeHead } from '../../compiler/build/probe-head.ts';
import type { Graph } from '../../compiler/ir/types.ts';
import { lowerToOnnx, OnnxLoweringError } from '../../runtime/onnx/lower.ts';
import { Rng } from '../../runtime/rng.ts';
import { lower } from '../../runtime/tfjs/program.ts';
import { openTarget } from '../../runtime/tfjs/target.ts';
import { fixtureSpec } from './run.ts';

const spec = fixtureSpec();
const N = 2;
const L = 4;

function randomParams(graph: Graph, seed: number): Map<string, Float32Array> {
  const rng = Rng.fromSeed(seed);
  return new Map(graph.params.map((p) => [p.name, Float32Array.from({ length: p.shape.reduce((a, d) => a * d, 1) }, () => 0.5 * rng.normal())]));
}

function relativeError(a: ArrayLike<number | bigint>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(Number(a[i]!) - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return scale === 0 ? diff : diff / scale;
}

/** Runs `outputs` of `graph` through onnxruntime and tfjs (cpu) and returns the worst relative error per output. */
async function compare(graph: Graph, inputs: Record<string, { data: Float32Array; shape: number[] }>, outputs: string[], seed: number): Promise<Record<string, number>> {
  const params = randomParams(graph, seed);
  const bytes = lowerToOnnx(graph, { outputs: outputs.map((o) => [o, o] as const), params });
  const session = await ort.InferenceSession.create(bytes);
  const feeds = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, new ort.Tensor('float32', v.data, v.shape)]));
  const got = await session.run(feeds);
  const target = await openTarget('cpu');
  const tfParams = new Map(graph.params.map((p) => [p.name, tf.tensor(params.get(p.name)!, [...p.shape])]));
  const tfInputs = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, tf.tensor(v.data, v.shape)]));
  const want = lower(graph, target).run(tfParams, tfInputs, outputs);
  return Object.fromEntries(outputs.map((o) => [o, relativeError(got[o]!.data as ArrayLike<number>, want[o]!.dataSync() as Float32Array)]));
}

const imgs = { data: Rng.fromSeed(1).uniformArray(N * 3 * 8 * 8).map((u) => 4 * u - 2), shape: [N, 3, 8, 8] };
const noise = { data: Rng.fromSeed(2).uniformArray(N * L), shape: [N, L] };

test('the MAE and the symmetric baseline lower to ONNX with tfjs results', async (t) => {
  for (const [what, graph] of [['mae', buildGraph(spec)], ['symmetric', buildGraph({ ...spec, maskTokensInEncoder: true })]] as const) {
    const errors = await compare(graph, { imgs, noise }, ['loss', 'pred', 'mask', 'ids_restore', 'latent', 'target'], 3);
    t.diagnostic(`${what}: worst relative errors ${JSON.stringify(errors)}`);
    for (const [name, e] of Object.entries(errors)) assert.ok(e < 1e-5, `${what} ${name}: ${e}`);
    assert.equal(errors['mask'], 0);
    assert.equal(errors['ids_restore'], 0);
  }
});

test('the fine-tuning classifier (drop path off at evaluation) and the probe head lower to ONNX', async (t) => {
  const classes = 5;
  const labels = { data: Float32Array.from({ length: N * classes }, (_, i) => (i % classes === i % 3 ? 0.8 : 0.05)), shape: [N, classes] };
  const classifier = buildClassifier(spec, { numClasses: classes, dropPath: 0.1, headInitStd: 0.02 });
  const errors = await compare(classifier, { imgs, labels }, ['logits', 'loss', 'features'], 4);
  t.diagnostic(`classifier: worst relative errors ${JSON.stringify(errors)}`);
  for (const [name, e] of Object.entries(errors)) assert.ok(e < 1e-5, `classifier ${name}: ${e}`);
  const head = buildProbeHead(spec, classes, 0.01);
  const features = { data: Rng.fromSeed(5).uniformArray(N * spec.encoder.width), shape: [N, spec.encoder.width] };
  const headErrors = await compare(head, { features, labels }, ['logits', 'loss'], 6);
  t.diagnostic(`probe head: worst relative errors ${JSON.stringify(headErrors)}`);
  for (const [name, e] of Object.entries(headErrors)) assert.ok(e < 1e-5, `probe head ${name}: ${e}`);
});

test('lowering names what it cannot write: an unknown output, a missing or mis-sized parameter', () => {
  const graph = buildGraph(spec, 'encoder');
  const params = randomParams(graph, 7);
  assert.throws(() => lowerToOnnx(graph, { outputs: [['x', 'pred']], params }), (e: unknown) => e instanceof OnnxLoweringError && /the encoder graph has no output pred \(it has latent, patch_embed\)/.test(e.message));
  const missing = new Map(params);
  missing.delete('blocks.1.mlp.fc2.bias');
  assert.throws(() => lowerToOnnx(graph, { outputs: [['h', 'latent']], params: missing }), /parameter blocks\.1\.mlp\.fc2\.bias is missing \(expected shape \[8\]\)/);
  const short = new Map(params).set('norm.weight', new Float32Array(3));
  assert.throws(() => lowerToOnnx(graph, { outputs: [['h', 'latent']], params: short }), /parameter norm\.weight: shape \[8\] needs 8 values, found 3/);
});

test('a model too large for one ONNX file is refused before anything is encoded', () => {
  // ViT-H/14 encoder at 448 px: about 632M parameters, 2.4 GiB of float32.
  const huge = { ...spec, image: { size: 448, channels: 3 }, encoder: { kind: 'vit' as const, patch: 14, width: 1280, depth: 32, heads: 16, mlpRatio: 4 } };
  const graph = buildGraph(huge, 'encoder');
  assert.throws(() => lowerToOnnx(graph, { outputs: [['h', 'latent']], params: new Map() }), /the parameters take 2\.\d\d GiB, more than the 2 GiB a single ONNX \(protobuf\) file can hold/);
});
