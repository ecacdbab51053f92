import type { Derived, MaeSpec } from '../../dsl/index.ts';
import type { GraphBuilder } from '../ir/builder.ts';
import type { GraphMeta } from '../ir/types.ts';
import { positionTable, trainable, type ParamSite } from './params.ts';

const EMBED_SITE: ParamSite = { module: 'patch_embed', part: 'encoder', layer: 0 };
const TOKEN_SITE: ParamSite = { module: 'tokens', part: 'encoder', layer: 0 };

/**
 * The patch embedding: imgs [N, C, g*p, g*p] -> [N, L, D], before positions are added. The
 * official conv weight [D, C, p, p] is a linear map of each patch read in (c, r, s) order.
 */
export function embedPatches(b: GraphBuilder, imgs: string, spec: MaeSpec): string {
  const { patch, width: D } = spec.encoder;
  const C = spec.image.channels;
  const patches = b.op('patchify', { kind: 'patchify', patch, order: 'chw' }, [imgs]); // [N, L, C*p*p]
  const w = b.param(trainable(EMBED_SITE, 'patch_embed.proj.weight', [D, C, patch, patch], { kind: 'xavierUniform', fanIn: C * patch * patch, fanOut: D }));
  const bias = b.param(trainable(EMBED_SITE, 'patch_embed.proj.bias', [D], { kind: 'zeros' }));
  return b.op('patch_embed.proj', { kind: 'linear' }, [patches, w, bias]); // [N, L, D]
}

/** The frozen encoder position table [1, 1+L, D]. */
export function encoderPositions(b: GraphBuilder, spec: MaeSpec, d: Derived): string {
  return b.param(positionTable(TOKEN_SITE, 'pos_embed', d.grid, spec.encoder.width));
}

/** x [N, L, D] + rows 1..L of the position table. */
export function addPatchPositions(b: GraphBuilder, x: string, pos: string, numPatches: number): string {
  const patchPos = b.op('pos_embed.patches', { kind: 'sliceTokens', start: 1, end: 1 + numPatches }, [pos]); // [1, L, D]
  return b.op('patch_embed.pos', { kind: 'add' }, [x, patchPos]);
}

/**
 * cls_token + row 0 of the position table, prepended to x [N, T, D] -> [N, 1+T, D].
 * `decay`: whether weight decay applies to cls_token (pretraining: yes, by timm's shape rule;
 * fine-tuning: no, timm's no_weight_decay list).
 */
export function prependCls(b: GraphBuilder, x: string, pos: string, width: number, decay = true): string {
  const declared = trainable(TOKEN_SITE, 'cls_token', [1, 1, width], { kind: 'normal', std: 0.02 });
  const cls = b.param(decay ? declared : { ...declared, decay: false });
  const clsPos = b.op('pos_embed.cls', { kind: 'sliceTokens', start: 0, end: 1 }, [pos]); // [1, 1, D]
  const token = b.op('cls', { kind: 'add' }, [cls, clsPos]);
  return b.op('encoder.tokens', { kind: 'concatTokens' }, [token, x]); // [N, 1+T, D]
}

/** The sizes a lowering target needs, with K visible patches. */
export function graphMeta(spec: MaeSpec, d: Derived, numVisible: number): GraphMeta {
  return {
    imageSize: spec.image.size,
    channels: spec.image.channels,
    patch: spec.encoder.patch,
    grid: d.grid,
    numPatches: d.numPatches,
    numVisible,
    encoderWidth: spec.encoder.width,
    encoderDepth: spec.encoder.depth,
    decoderWidth: spec.decoder.width,
    decoderDepth: spec.decoder.depth,
    normPixLoss: spec.normPixLoss,
  };
}
