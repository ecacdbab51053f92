import { derive, type MaeSpec } from '../../dsl/index.ts';
import { GraphBuilder } from '../ir/builder.ts';
import type { Graph, GraphMeta } from '../ir/types.ts';
import { layerNorm, linear } from './layers.ts';
import { positionTable, trainable, type ParamSite } from './params.ts';

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

interface BlockConfig {
  readonly width: number;
  readonly heads: number;
  readonly mlpHidden: number;
  readonly eps: number;
  readonly dropPath: number;
}

/**
 * The pre-norm block of compiler/build/layers.ts with stochastic depth on both residual
 * branches (the official fine-tuning ViT is timm's Block with `drop_path`). x: [N, T, D].
 */
function blockWithDropPath(b: GraphBuilder, site: ParamSite, prefix: string, x: string, cfg: BlockConfig): string {
  const { width: d, heads, mlpHidden, eps, dropPath: rate } = cfg;
  const branch = (id: string, y: string) => (rate > 0 ? b.op(`${id}.drop_path`, { kind: 'dropPath', rate }, [y]) : y);
  const h1 = layerNorm(b, site, `${prefix}.norm1`, x, d, eps);
  const qkv = linear(b, site, `${prefix}.attn.qkv`, h1, d, 3 * d); // [N, T, 3D]
  const attn = b.op(`${prefix}.attn.core`, { kind: 'attention', heads }, [qkv]); // [N, T, D]
  const proj = branch(`${prefix}.attn`, linear(b, site, `${prefix}.attn.proj`, attn, d, d));
  const x1 = b.op(`${prefix}.attn.residual`, { kind: 'add' }, [x, proj]);
  const h2 = layerNorm(b, site, `${prefix}.norm2`, x1, d, eps);
  const fc1 = linear(b, site, `${prefix}.mlp.fc1`, h2, d, mlpHidden); // [N, T, hidden]
  const act = b.op(`${prefix}.mlp.gelu`, { kind: 'gelu' }, [fc1]);
  const fc2 = branch(`${prefix}.mlp`, linear(b, site, `${prefix}.mlp.fc2`, act, mlpHidden, d));
  return b.op(`${prefix}.mlp.residual`, { kind: 'add' }, [x1, fc2]);
}

/**
 * The fine-tuning ViT of the MAE recipe (official `models_vit.py` with `global_pool=True`):
 * the spec's encoder over all L patches, without the final `norm`; the patch tokens are
 * averaged (the cls token is carried but not read), then `fc_norm` and a linear `head`.
 * Parameter names are the official ones, so a pretraining checkpoint's encoder loads by name.
 *
 * Graph kind 'encoder' (input imgs only, no masking). Outputs: `logits` [N, classes],
 * `features` [N, D] (after fc_norm), `latent` [N, 1+L, D] (the last block's tokens).
 * The position table stays the fixed sin-cos table (frozen), as in pretraining.
 */
export function buildClassifier(spec: MaeSpec, options: ClassifierOptions): Graph {
  const d = derive(spec);
  const { patch, width: D, depth } = spec.encoder;
  const { size, channels: C } = spec.image;
  const L = d.numPatches;
  const eps = spec.layerNormEps;
  const b = new GraphBuilder();
  const embedSite: ParamSite = { module: 'patch_embed', part: 'encoder', layer: 0 };
  const tokenSite: ParamSite = { module: 'tokens', part: 'encoder', layer: 0 };
  const headSite = (module: string): ParamSite => ({ module, part: 'encoder', layer: depth + 1 });

  const imgs = b.input('imgs', ['N', C, size, size]);
  const patches = b.op('patchify', { kind: 'patchify', patch, order: 'chw' }, [imgs]); // [N, L, C*p*p]
  const embedW = b.param(trainable(embedSite, 'patch_embed.proj.weight', [D, C, patch, patch], { kind: 'xavierUniform', fanIn: C * patch * patch, fanOut: D }));
  const embedB = b.param(trainable(embedSite, 'patch_embed.proj.bias', [D], { kind: 'zeros' }));
  let x = b.op('patch_embed.proj', { kind: 'linear' }, [patches, embedW, embedB]); // [N, L, D]
  const pos = b.param(positionTable(tokenSite, 'pos_embed', d.grid, D)); // [1, 1+L, D]
  const patchPos = b.op('pos_embed.patches', { kind: 'sliceTokens', start: 1, end: 1 + L }, [pos]); // [1, L, D]
  x = b.op('patch_embed.pos', { kind: 'add' }, [x, patchPos]);
  // timm's no_weight_decay list: cls_token and pos_embed are not decayed when fine-tuning.
  const cls = b.param({ ...trainable(tokenSite, 'cls_token', [1, 1, D], { kind: 'normal', std: 0.02 }), decay: false });
  const clsPos = b.op('pos_embed.cls', { kind: 'sliceTokens', start: 0, end: 1 }, [pos]); // [1, 1, D]
  const clsToken = b.op('cls', { kind: 'add' }, [cls, clsPos]);
  x = b.op('encoder.tokens', { kind: 'concatTokens' }, [clsToken, x]); // [N, 1+L, D]

  for (let i = 0; i < depth; i++) {
    const cfg = { width: D, heads: spec.encoder.heads, mlpHidden: d.encoderMlpHidden, eps, dropPath: dropPathRate(options.dropPath, i, depth) };
    x = blockWithDropPath(b, { module: `blocks.${i}`, part: 'encoder', layer: i + 1 }, `blocks.${i}`, x, cfg);
  }
  const latent = x;
  const patchTokens = b.op('pool.patches', { kind: 'sliceTokens', start: 1, end: 1 + L }, [latent]); // [N, L, D]
  const pooled = b.op('pool', { kind: 'meanTokens' }, [patchTokens]); // [N, D]
  const features = layerNorm(b, headSite('fc_norm'), 'fc_norm', pooled, D, eps); // [N, D]
  const headW = b.param(trainable(headSite('head'), 'head.weight', [options.numClasses, D], { kind: 'normal', std: options.headInitStd }));
  const headB = b.param(trainable(headSite('head'), 'head.bias', [options.numClasses], { kind: 'zeros' }));
  const logits = b.op('head', { kind: 'linear' }, [features, headW, headB]); // [N, classes]

  const meta: GraphMeta = {
    imageSize: size,
    channels: C,
    patch,
    grid: d.grid,
    numPatches: L,
    numVisible: L,
    encoderWidth: D,
    encoderDepth: depth,
    decoderWidth: spec.decoder.width,
    decoderDepth: spec.decoder.depth,
    normPixLoss: spec.normPixLoss,
  };
  return b.finish('encoder', meta, { logits, features, latent });
}
