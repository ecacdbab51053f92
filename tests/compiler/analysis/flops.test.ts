import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyze, buildGraph, countFlops } from '../../../compiler/index.ts';
import { tiny } from '../specs.ts';

// Hand counts for `tiny` (L = 4, patch dim P = 4, K = 2, D = 4, Dd = 2, MLP ratio 1), 2*M*N*K per matmul:
//   patch_embed: 2 * L * P * D = 2*4*4*4 = 128
//   encoder block on T = 1 + K = 3: qkv 2*3*4*12 = 288, attention 4*T^2*D = 4*9*4 = 144,
//     proj 2*3*4*4 = 96, fc1 96, fc2 96 -> 720
//   decoder_embed on 3 tokens: 2*3*4*2 = 48
//   decoder block on T = 1 + L = 5: qkv 2*5*2*6 = 120, attention 4*25*2 = 200, proj 40, fc1 40, fc2 40 -> 440
//   decoder_pred on 5 tokens: 2*5*2*4 = 80
const encoder = 128 + 720;
const decoder = 48 + 440 + 80;

test('forward FLOPs of the tiny config match the hand count, split at the latent', () => {
  assert.deepEqual(countFlops(buildGraph(tiny)).forward, { encoder, decoder, total: encoder + decoder });
});

test('a training step costs three forward passes', () => {
  assert.deepEqual(countFlops(buildGraph(tiny)).step, { encoder: 3 * encoder, decoder: 3 * decoder, total: 3 * (encoder + decoder) });
});

// Symmetric: the encoder runs on T = 1 + L = 5 tokens: qkv 2*5*4*12 = 480, attention 4*25*4 = 400,
// proj 160, fc1 160, fc2 160 -> 1360, plus patch_embed 128; decoder_embed on 5 tokens 80, block 440, pred 80.
const symmetricEncoder = 128 + 1360;
const symmetricDecoder = 80 + 440 + 80;

test('the symmetric baseline of the tiny config matches the hand count', () => {
  assert.deepEqual(countFlops(buildGraph(tiny, 'symmetric')).forward, {
    encoder: symmetricEncoder,
    decoder: symmetricDecoder,
    total: symmetricEncoder + symmetricDecoder,
  });
});

test('the speedup over the symmetric baseline is the ratio of the hand counts', () => {
  const report = analyze(tiny);
  assert.equal(report.speedup.encoder, symmetricEncoder / encoder);
  assert.equal(report.speedup.step, (symmetricEncoder + symmetricDecoder) / (encoder + decoder));
});
