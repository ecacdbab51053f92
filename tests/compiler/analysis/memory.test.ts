import assert from 'node:assert/strict';
import { test } from 'node:test';
import { activationBytes, buildGraph, nodeActivationBytes, trainingStateBytes, type Node } from '../../../compiler/index.ts';
import { mae, vit } from '../../../dsl/index.ts';
import { base } from '../specs.ts';

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

test('int32 indices cost 4 bytes per element like floats', () => {
  assert.equal(nodeActivationBytes({ ...node(['N', 49]), op: { kind: 'argsort' }, dtype: 'int32' }), 49 * 4);
});

test('the training state of MAE ViT-B/16 is 16 bytes per trainable parameter and 4 per frozen one', () => {
  // The paper's code counts 111,655,680 trainable parameters; the two frozen position tables
  // are 197 * 768 + 197 * 512 = 252,160.
  assert.equal(trainingStateBytes(buildGraph(base)), 16 * 111_655_680 + 4 * 252_160);
});

// ---------------------------------------------------------------------------------------------
// One small model counted by hand from the spec, following compiler/analysis/memory.ts: every
// node with the batch dimension keeps one image's worth of its output at 4 bytes an element,
// and each attention also keeps its softmax probabilities [heads, T, T]; parameter reads and
// the batch-free position slices and cls token [1, ...] are not activations.
//
// Spec: 8x8 one-channel images, patch 4, encoder width D = 8, depth 1, 2 heads, MLP ratio 4
// (hidden 32); decoder width Dd = 4, depth 1, 2 heads, MLP ratio 4 (hidden 16); mask 0.75;
// normalised-pixel target (the default).
//   grid g = 8 / 4 = 2, L = g*g = 4 patches, patch length P = 4*4*1 = 16,
//   K = floor(4 * (1 - 0.75)) = 1 visible patch, L - K = 3 mask tokens.
// ---------------------------------------------------------------------------------------------

const small8 = mae({
  encoder: vit({ patch: 4, width: 8, depth: 1, heads: 2 }),
  decoder: { width: 4, depth: 1, heads: 2 },
  mask: 0.75,
  image: { size: 8, channels: 1 },
});

test('the MAE graph of the 8x8 model keeps 5,388 bytes of activations per image', () => {
  // Elements per image:
  // Stem and masking
  //   imgs C*8*8 = 64; patchify L*P = 4*16 = 64; patch_embed.proj L*D = 32
  //   noise L = 4; ids_shuffle 4, ids_restore 4 (int32); mask 4
  //   patch_embed.pos (patches + positions) L*D = 32
  //   ids_keep K = 1 (int32); visible K*D = 8; encoder.tokens (1+K)*D = 2*8 = 16
  //   = 64 + 64 + 32 + 4 + 4 + 4 + 4 + 32 + 1 + 8 + 16 = 233
  // Encoder block over T = 1+K = 2 tokens, D = 8, hidden 32
  //   norm1 16; qkv T*3D = 48; attention T*D = 16 + probabilities 2*2*2 = 8; proj 16;
  //   residual 16; norm2 16; fc1 T*32 = 64; gelu 64; fc2 16; residual 16
  //   = 16 + 48 + 24 + 16 + 16 + 16 + 64 + 64 + 16 + 16 = 296
  // Final norm T*D = 16.                                       Encoder: 233 + 296 + 16 = 545
  // Decoder input
  //   decoder_embed (1+K)*Dd = 8; mask_tokens (L-K)*Dd = 12; decoder.visible K*Dd = 4;
  //   decoder.shuffled L*Dd = 16; decoder.unshuffled 16; decoder.cls 4;
  //   decoder.tokens (1+L)*Dd = 20; decoder.pos 20
  //   = 8 + 12 + 4 + 16 + 16 + 4 + 20 + 20 = 100
  // Decoder block over T = 1+L = 5 tokens, Dd = 4, hidden 16
  //   norm1 20; qkv 5*12 = 60; attention 5*4 = 20 + probabilities 2*5*5 = 50; proj 20;
  //   residual 20; norm2 20; fc1 5*16 = 80; gelu 80; fc2 20; residual 20
  //   = 20 + 60 + 70 + 20 + 20 + 20 + 80 + 80 + 20 + 20 = 410
  // Head and loss
  //   decoder_norm 20; decoder_pred (1+L)*P = 80; pred L*P = 64; target 64;
  //   target.normalized 64; loss is a scalar without the batch axis: 0
  //   = 20 + 80 + 64 + 64 + 64 = 292                          Decoder: 100 + 410 + 292 = 802
  // Total 545 + 802 = 1,347 elements * 4 bytes = 5,388.
  assert.equal(activationBytes(buildGraph(small8, 'pretrain')), 5_388);
});

test('with mask tokens in the encoder the 8x8 model keeps 7,328 bytes of activations per image', () => {
  // Stem and masking
  //   imgs 64; patchify 64; patch_embed.proj 32; noise 4; ids_shuffle 4; ids_restore 4;
  //   mask 4; patch_embed.masked L*D = 32; patch_embed.pos 32; encoder.tokens (1+L)*D = 40
  //   = 64 + 64 + 32 + 4 + 4 + 4 + 4 + 32 + 32 + 40 = 280
  // Encoder block over T = 5 tokens, D = 8, hidden 32
  //   norm1 40; qkv 120; attention 40 + probabilities 2*5*5 = 50; proj 40; residual 40;
  //   norm2 40; fc1 160; gelu 160; fc2 40; residual 40
  //   = 40 + 120 + 90 + 40 + 40 + 40 + 160 + 160 + 40 + 40 = 770
  // Final norm 40.                                             Encoder: 280 + 770 + 40 = 1,090
  // Decoder: no unshuffle; decoder_embed (1+L)*Dd = 20, decoder.pos 20; the block (410) and
  // the head and loss (292) as in the MAE graph.              Decoder: 40 + 410 + 292 = 742
  // Total 1,090 + 742 = 1,832 elements * 4 bytes = 7,328.
  assert.equal(activationBytes(buildGraph(small8, 'symmetric')), 7_328);
});

test('the encoder-only graph of the 8x8 model keeps 4,168 bytes of activations per image', () => {
  // No masking: imgs 64, patchify 64, patch_embed.proj 32, patch_embed.pos 32,
  // encoder.tokens 40 (= 232); the block over 5 tokens (770); norm 40.
  // Total 232 + 770 + 40 = 1,042 elements * 4 bytes = 4,168.
  assert.equal(activationBytes(buildGraph(small8, 'encoder')), 4_168);
});

test('the training state of the 8x8 model is 22,704 bytes', () => {
  // Trainable parameters
  //   patch_embed: weight D*C*p*p = 8*1*4*4 = 128, bias 8                         = 136
  //   cls_token D                                                                 = 8
  //   encoder block (D = 8, hidden 32): norm1 2*8 = 16; qkv 24*8 + 24 = 216;
  //     proj 8*8 + 8 = 72; norm2 16; fc1 32*8 + 32 = 288; fc2 8*32 + 8 = 264     = 872
  //   norm 2*8                                                                    = 16
  //                                                              encoder: 1,032
  //   decoder_embed 4*8 + 4 = 36; mask_token 4
  //   decoder block (Dd = 4, hidden 16): norm1 8; qkv 12*4 + 12 = 60; proj 4*4 + 4 = 20;
  //     norm2 8; fc1 16*4 + 16 = 80; fc2 4*16 + 4 = 68                           = 244
  //   decoder_norm 8; decoder_pred P*Dd + P = 16*4 + 16 = 80
  //                                                   decoder: 36 + 4 + 244 + 8 + 80 = 372
  //   trainable 1,032 + 372 = 1,404
  // Frozen: pos_embed (1+L)*D = 5*8 = 40, decoder_pos_embed (1+L)*Dd = 5*4 = 20; frozen 60.
  // 16 * 1,404 + 4 * 60 = 22,464 + 240 = 22,704.
  assert.equal(trainingStateBytes(buildGraph(small8, 'pretrain')), 22_704);
});

test("the symmetric graph's training state counts the encoder's mask token in place of the decoder's", () => {
  // encoder_mask_token D = 8 replaces mask_token Dd = 4: trainable 1,404 + 8 - 4 = 1,408, frozen 60.
  // 16 * 1,408 + 4 * 60 = 22,528 + 240 = 22,768.
  assert.equal(trainingStateBytes(buildGraph(small8, 'symmetric')), 22_768);
});

test("the encoder-only graph's training state counts no decoder parameters", () => {
  // Trainable 1,032 (the encoder above), frozen pos_embed 40: 16 * 1,032 + 4 * 40 = 16,512 + 160 = 16,672.
  assert.equal(trainingStateBytes(buildGraph(small8, 'encoder')), 16_672);
});
