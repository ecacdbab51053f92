/**
 * `maec export --to onnx`, run by the real clients: onnxruntime-node for the encoder and the
 * whole MAE, against the tfjs program and `maec forward`; transformers.js loading the encoder
 * folder offline as a vit_mae model.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as ort from 'onnxruntime-node';
import onnxProto from 'onnx-proto';
import { buildGraph } from '../../compiler/build/mae.ts';
import { forwardCommand } from '../../cli/commands/forward.ts';
import { bufferIo } from '../../cli/io.ts';
import { loadSafetensors, saveSafetensors, toFloat32, toInt32 } from '../../runtime/io/index.ts';
import { Rng } from '../../runtime/rng.ts';
import { lower } from '../../runtime/tfjs/program.ts';
import { openTarget } from '../../runtime/tfjs/target.ts';
import { loadWeights } from '../../runtime/weights/index.ts';
import { exportCli, fixtureSpec, makeRun, SPEC_PATH, tempDir } from './run.ts';

const TOLERANCE = 1e-5;
const dir = tempDir('export-onnx');
const spec = fixtureSpec();
const { size: S, channels: C } = spec.image;
const L = (S / spec.encoder.patch) ** 2;
const N = 3;
let run = '';
before(async () => {
  run = await makeRun(dir);
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** max |a - b| / max |b|: the error relative to the reference's scale. */
function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return diff / scale;
}

const pixels = () => Rng.fromSeed(7).uniformArray(N * C * S * S).map((u) => (u - 0.5) * 4);
const noise = () => Rng.fromSeed(8).uniformArray(N * L);

async function runWeights(kind: 'encoder' | 'pretrain') {
  const graph = buildGraph(spec, kind);
  const tensors = (await loadSafetensors(join(run, 'checkpoint.safetensors'))).tensors;
  const plain = new Map([...tensors].filter(([k]) => !k.startsWith('optimizer.')));
  return { graph, weights: loadWeights(plain, graph.params, { encoderOnly: kind === 'encoder' }) };
}

test('the encoder export is an opset-17 model pixel_values -> last_hidden_state over every patch, cls first', async (t) => {
  const out = join(dir, 'onnx');
  const r = await exportCli(dir, run, '--to', 'onnx', '--out', out);
  assert.equal(r.code, 0, r.stderr);
  const model = onnxProto.onnx.ModelProto.decode(readFileSync(join(out, 'onnx', 'model.onnx')));
  assert.ok(model.opsetImport.some((o) => o.domain === '' && Number(o.version) >= 17));
  const session = await ort.InferenceSession.create(join(out, 'onnx', 'model.onnx'));
  assert.deepEqual([session.inputNames, session.outputNames], [['pixel_values'], ['last_hidden_state']]);
  const px = pixels();
  const result = await session.run({ pixel_values: new ort.Tensor('float32', px, [N, C, S, S]) });
  const got = result['last_hidden_state']!;
  assert.deepEqual(got.dims, [N, 1 + L, spec.encoder.width]);

  const { graph, weights } = await runWeights('encoder');
  const target = await openTarget('cpu');
  const params = new Map(graph.params.map((p) => [p.name, tf.tensor(weights.get(p.name)!, [...p.shape])]));
  const latent = lower(graph, target).run(params, { imgs: tf.tensor(px, [N, C, S, S]) }, ['latent'])['latent']!;
  const err = relativeError(got.data as Float32Array, latent.dataSync());
  t.diagnostic(`onnxruntime encoder last_hidden_state vs maec (tfjs cpu) latent: worst relative error ${err.toExponential(2)}`);
  assert.ok(err < TOLERANCE, `worst relative error ${err}`);
  const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')) as Record<string, unknown>;
  assert.deepEqual([config['model_type'], config['architectures']], ['vit_mae', ['ViTMAEModel']]);
});

test('the MAE export matches maec forward: loss, logits (pred), mask and ids_restore for the same noise', async (t) => {
  const out = join(dir, 'onnx-mae');
  const r = await exportCli(dir, run, '--to', 'onnx', '--part', 'mae', '--out', out);
  assert.equal(r.code, 0, r.stderr);
  const session = await ort.InferenceSession.create(join(out, 'onnx', 'model.onnx'));
  assert.deepEqual([session.inputNames, session.outputNames], [['pixel_values', 'noise'], ['loss', 'logits', 'mask', 'ids_restore']]);
  const px = pixels();
  const nz = noise();
  const got = await session.run({ pixel_values: new ort.Tensor('float32', px, [N, C, S, S]), noise: new ort.Tensor('float32', nz, [N, L]) });

  // maec forward on the same weights (the official export of the run) and inputs.
  const official = join(dir, 'official');
  assert.equal((await exportCli(dir, run, '--to', 'official', '--out', official)).code, 0);
  const inputs = join(dir, 'inputs.safetensors');
  await saveSafetensors(inputs, new Map([['imgs', { shape: [N, C, S, S], data: px }], ['noise', { shape: [N, L], data: nz }]]));
  const fwdOut = join(dir, 'forward.safetensors');
  const io = bufferIo(dir);
  assert.equal(await forwardCommand.run([SPEC_PATH, '--weights', join(official, 'model.safetensors'), '--inputs', inputs, '--out', fwdOut, '--backend', 'cpu'], io), 0, io.stderr.join(''));
  const want = (await loadSafetensors(fwdOut)).tensors;
  assert.deepEqual(Array.from(got['ids_restore']!.data as BigInt64Array, Number), Array.from(toInt32(want.get('ids_restore')!)));
  assert.equal(got['ids_restore']!.type, 'int64');
  assert.deepEqual(Array.from(got['mask']!.data as Float32Array), Array.from(toFloat32(want.get('mask')!)));
  for (const [mine, theirs] of [['loss', 'loss'], ['logits', 'pred']] as const) {
    const err = relativeError(got[mine]!.data as Float32Array, toFloat32(want.get(theirs)!));
    t.diagnostic(`onnxruntime ${mine} vs maec forward ${theirs}: worst relative error ${err.toExponential(2)}`);
    assert.ok(err < TOLERANCE, `${mine}: worst relative error ${err}`);
  }
  assert.deepEqual(got['logits']!.dims, [N, L, spec.encoder.patch ** 2 * C]);
});

test('transformers.js loads the encoder folder offline and its image-feature-extraction returns maec features', async (t) => {
  const { env, pipeline, AutoModel, AutoProcessor, RawImage } = await import('@huggingface/transformers');
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  const models = join(dir, 'models');
  const id = 'mae-encoder';
  const r = await exportCli(dir, run, '--to', 'onnx', '--part', 'encoder', '--out', join(models, id));
  assert.equal(r.code, 1, 'the parent folder must exist');
  assert.match(r.stderr, /the parent folder .*models does not exist/);
  mkdirSync(models);
  assert.equal((await exportCli(dir, run, '--to', 'onnx', '--part', 'encoder', '--out', join(models, id))).code, 0);
  env.localModelPath = models;
  const extractor = await pipeline('image-feature-extraction', id);
  const bytes = Uint8ClampedArray.from({ length: S * S * C }, (_, i) => (i * 37) % 256);
  const image = new RawImage(bytes, S, S, C as 1 | 2 | 3 | 4);
  const features = await extractor(image);
  assert.deepEqual(features.dims, [1, 1 + L, spec.encoder.width]);
  const model = await AutoModel.from_pretrained(id);
  assert.equal(model.constructor.name, 'ViTMAEModel');
  const processor = await AutoProcessor.from_pretrained(id);
  const { pixel_values } = await processor(image);
  // What the processor feeds: (byte / 255 - mean) / std per channel, channels first.
  const pre = JSON.parse(readFileSync(join(models, id, 'preprocessor_config.json'), 'utf8')) as { image_mean: number[]; image_std: number[] };
  const expected = new Float32Array(C * S * S);
  for (let c = 0; c < C; c++) for (let p = 0; p < S * S; p++) expected[c * S * S + p] = (bytes[p * C + c]! / 255 - pre.image_mean[c]!) / pre.image_std[c]!;
  assert.deepEqual(pixel_values.dims, [1, C, S, S]);
  assert.ok(relativeError(pixel_values.data as Float32Array, expected) < 1e-6);
  const { graph, weights } = await runWeights('encoder');
  const target = await openTarget('cpu');
  const params = new Map(graph.params.map((p) => [p.name, tf.tensor(weights.get(p.name)!, [...p.shape])]));
  const latent = lower(graph, target).run(params, { imgs: tf.tensor(expected, [1, C, S, S]) }, ['latent'])['latent']!;
  const err = relativeError(features.data as Float32Array, latent.dataSync());
  t.diagnostic(`transformers.js image-feature-extraction vs maec latent: worst relative error ${err.toExponential(2)}`);
  assert.ok(err < TOLERANCE, `worst relative error ${err}`);
});
