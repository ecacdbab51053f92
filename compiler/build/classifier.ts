import { derive, type MaeSpec } from '../../dsl/index.ts';
import { GraphBuilder } from '../ir/builder.ts';
import type { Graph } from '../ir/types.ts';
import { block, layerNorm } from './layers.ts';
import { trainable, type ParamSite } from './params.ts';
import { addPatchPositions, embedPatches, encoderPositions, graphMeta, prependCls } from './stem.ts';

/** What a classifier adds to an MAE spec's encoder. */
export interface ClassifierOptions {
  readonly numClasses: number;
  /**
   * Stochastic depth at the last block (0.1 in the fine-tuning recipe); block i drops with
   * rate * i / (depth - 1), as timm's `torch.linspace(0, rate, depth)`.
   */
  readonly dropPath: number;
  /** Std of the head weight's normal init (2e-5 in the fine-tuning recipe). */
  readonly headInitStd: number;
}

export const FINETUNE_CLASSIFIER: Omit<ClassifierOptions, 'numClasses'> = Object.freeze({ dropPath: 0.1, headInitStd: 2e-5 });

/** Drop-path rate of block i of `depth`: linearly from 0 (first block) to `rate` (last). */
export function dropPathRate(rate: number, i: number, depth: number): number {
  return depth > 1 ? (rate * i) / (depth - 1) : rate;
}

/**
 * The fine-tuning ViT of the MAE recipe (official `models_vit.py` with `global_pool=True`):
 * the spec's encoder over all L patches, without the final `norm`; the patch tokens are
 * averaged (the cls token is carried but not read), then `fc_norm` and a linear `head`.
 * Parameter names are the official ones, so a pretraining checkpoint's encoder loads by name.
 *
 * Graph kind 'encoder' (no masking). Inputs: imgs, and labels [N, classes] for the loss only.
 * Outputs: `logits` [N, classes], `loss` (cross-entropy against labels), `features` [N, D]
 * (after fc_norm), `latent` [N, 1+L, D] (the last block's tokens).
 * The position table stays the fixed sin-cos table (frozen), as in pretraining.
 */
export function buildClassifier(spec: MaeSpec, options: ClassifierOptions): Graph {
  const d = derive(spec);
  const { width: D, depth } = spec.encoder;
  const { size, channels: C } = spec.image;
  const L = d.numPatches;
  const eps = spec.layerNormEps;
  const b = new GraphBuilder();
  const headSite = (module: string): ParamSite => ({ module, part: 'encoder', layer: depth + 1 });

  const imgs = b.input('imgs', ['N', C, size, size]);
  const embedded = embedPatches(b, imgs, spec); // [N, L, D]
  const pos = encoderPositions(b, spec, d); // [1, 1+L, D]
  let x = addPatchPositions(b, embedded, pos, L);
  // timm's no_weight_decay list: cls_token is not decayed when fine-tuning.
  x = prependCls(b, x, pos, D, false); // [N, 1+L, D]

  for (let i = 0; i < depth; i++) {
    const cfg = { width: D, heads: spec.encoder.heads, mlpHidden: d.encoderMlpHidden, eps, dropPath: dropPathRate(options.dropPath, i, depth) };
    x = block(b, { module: `blocks.${i}`, part: 'encoder', layer: i + 1 }, `blocks.${i}`, x, cfg);
  }
  const latent = x;
  const patchTokens = b.op('pool.patches', { kind: 'sliceTokens', start: 1, end: 1 + L }, [latent]); // [N, L, D]
  const pooled = b.op('pool', { kind: 'meanTokens' }, [patchTokens]); // [N, D]
  const features = layerNorm(b, headSite('fc_norm'), 'fc_norm', pooled, D, eps); // [N, D]
  const headW = b.param(trainable(headSite('head'), 'head.weight', [options.numClasses, D], { kind: 'normal', std: options.headInitStd }));
  const headB = b.param(trainable(headSite('head'), 'head.bias', [options.numClasses], { kind: 'zeros' }));
  const logits = b.op('head', { kind: 'linear' }, [features, headW, headB]); // [N, classes]
  const labels = b.input('labels', ['N', options.numClasses]);
  const loss = b.op('loss', { kind: 'crossEntropy' }, [logits, labels]);

  const meta = graphMeta(spec, d, L);
  return b.finish('encoder', meta, { logits, loss, features, latent });
}
