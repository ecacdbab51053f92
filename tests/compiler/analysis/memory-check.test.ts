// checkMemory: a training step's estimated memory (activations x batch + training state) against a limit.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as E from 'fp-ts/lib/Either.js';
import { activationBytes, buildGraph, checkMemory, estimateMemory, trainingStateBytes, WASM_TRAINING_LIMIT_BYTES } from '../../../compiler/index.ts';
import { decodeSpec, mae, vit, vitB, vitH, type MaeSpec } from '../../../dsl/index.ts';
import { mnistTiny } from '../../../models/mnist-tiny.ts';

const GIB = 2 ** 30;

function decoded(input: unknown): MaeSpec {
  const result = decodeSpec(input);
  assert.ok(E.isRight(result));
  return result.right;
}

/** mnist-tiny's model written as JSON without its image: the default 224x224x3 gives 3136 patches. */
const noImage = decoded({ encoder: { patch: 4, width: 64, depth: 4, heads: 4 }, decoder: { width: 64, depth: 2, heads: 4 } });

test('the wasm limit is the 4 GiB wasm32 heap less half a GiB of headroom', () => {
  assert.equal(WASM_TRAINING_LIMIT_BYTES, 3.5 * GIB);
});

test('the estimate is the training state plus batch times the activations of one image', () => {
  const graph = buildGraph(mnistTiny);
  const e = estimateMemory(graph, 256, WASM_TRAINING_LIMIT_BYTES);
  assert.equal(e.activationBytesPerImage, activationBytes(graph));
  assert.equal(e.trainingStateBytes, trainingStateBytes(graph));
  assert.equal(e.totalBytes, e.trainingStateBytes + 256 * e.activationBytesPerImage);
});

test('a CPU-sized model at batch 256 fits the wasm heap', () => {
  assert.deepEqual(checkMemory(mnistTiny, 256), []);
});

test('a batch that does not fit is MEM001 at --batch, naming the figures and the largest batch that fits', () => {
  const [problem, ...rest] = checkMemory(noImage, 32);
  assert.deepEqual(rest, []);
  assert.ok(problem);
  assert.equal(problem.code, 'MEM001');
  assert.equal(problem.path, '--batch');
  assert.equal(
    problem.message,
    'a training step at batch 32 needs about 12.18 GiB: 12.18 GiB of activations (32 x 389.7 MiB per image) and 6.3 MiB of weights, gradients and AdamW state; expected at most 3.50 GiB: use --batch 9 or less',
  );
  const { maxBatch, trainingStateBytes: state, activationBytesPerImage: perImage } = problem.estimate;
  assert.ok(state + maxBatch * perImage <= WASM_TRAINING_LIMIT_BYTES && state + (maxBatch + 1) * perImage > WASM_TRAINING_LIMIT_BYTES);
  assert.deepEqual(checkMemory(noImage, maxBatch), []);
});

test('the limit is a parameter: ViT-B/16 fits 3.5 GiB at batch 1 but not 1 GiB', () => {
  const spec = mae({ encoder: vitB });
  assert.deepEqual(checkMemory(spec, 1), []);
  const [problem] = checkMemory(spec, 1, GIB);
  assert.equal(problem?.code, 'MEM002');
});

test('a model whose training state alone exceeds the limit is MEM002 at the depth of its larger part', () => {
  const [problem] = checkMemory(mae({ encoder: vitH }), 1);
  assert.equal(problem?.code, 'MEM002');
  assert.equal(problem?.path, 'encoder.depth');
  assert.match(problem!.message, /^the model alone needs 9\.79 GiB of weights, gradients and AdamW state \(16 bytes per trainable parameter, 656,613,964 of them\); expected at most 3\.50 GiB/);
  assert.equal(problem?.estimate.maxBatch, 0);
});

test('a small model whose one image does not fit is MEM002 at encoder.patch: too many tokens', () => {
  const spec = mae({ encoder: vit({ patch: 2, width: 64, depth: 1, heads: 1 }), decoder: { width: 64, depth: 1, heads: 1 }, image: { size: 400 } });
  const [problem] = checkMemory(spec, 1);
  assert.equal(problem?.code, 'MEM002');
  assert.equal(problem?.path, 'encoder.patch');
  assert.match(problem!.message, /^one training image needs 6\.65 GiB of activations/);
});
