import { derive, type MaeSpec } from '../../dsl/index.ts';
import { GraphBuilder } from '../ir/builder.ts';
import type { Graph, GraphKind } from '../ir/types.ts';
import { block, layerNorm, linear } from './layers.ts';
import { positionTable, trainable, type ParamSite } from './params.ts';
import { addPatchPositions, embedPatches, encoderPositions, graphMeta, prependCls } from './stem.ts';

const TOKEN_SITE: ParamSite = { module: 'tokens', part: 'encoder', layer: 0 };

/**
 * Builds maec's IR from a spec, exactly as ../shared/reference/MAE-SPEC.md describes the
 * official forward pass:
 * - 'pretrain': MAE proper; the encoder sees only the K visible patches.
 * - 'symmetric': the baseline of the paper's Table 1c; mask tokens enter the encoder, which
 *   processes all L patches, and the decoder needs no unshuffle.
 * - 'encoder': features for probing and fine-tuning; no masking, latent [N, 1+L, D].
 */
export function buildGraph(spec: MaeSpec, kind: GraphKind = spec.maskTokensInEncoder ? 'symmetric' : 'pretrain'): Graph {
  const d = derive(spec);
  const { patch, width: D, depth } = spec.encoder;
  const { size, channels: C } = spec.image;
  const L = d.numPatches;
  const K = kind === 'encoder' ? L : d.numVisible;
  const eps = spec.layerNormEps;
  const b = new GraphBuilder();
  const imgs = b.input('imgs', ['N', C, size, size]);
  let x = embedPatches(b, imgs, spec); // [N, L, D]
  const embedded = x;
  const pos = encoderPositions(b, spec, d); // [1, 1+L, D]

  let masking: { mask: string; idsRestore: string } | undefined;
  if (kind !== 'encoder') {
    const noise = b.input('noise', ['N', L]);
    const idsShuffle = b.op('ids_shuffle', { kind: 'argsort' }, [noise]); // [N, L]
    const idsRestore = b.op('ids_restore', { kind: 'argsort' }, [idsShuffle]); // [N, L]
    const mask = b.op('mask', { kind: 'maskFromRestore', keep: K }, [idsRestore]); // [N, L], 1 = removed
    masking = { mask, idsRestore };
    if (kind === 'symmetric') {
      const token = b.param(trainable(TOKEN_SITE, 'encoder_mask_token', [1, 1, D], { kind: 'normal', std: 0.02 }));
      x = b.op('patch_embed.masked', { kind: 'maskReplace' }, [x, mask, token]); // [N, L, D]
    }
  }
  x = addPatchPositions(b, x, pos, L);
  if (kind === 'pretrain') {
    const idsKeep = b.op('ids_keep', { kind: 'sliceTokens', start: 0, end: K }, ['ids_shuffle']); // [N, K]
    x = b.op('visible', { kind: 'gatherTokens' }, [x, idsKeep]); // [N, K, D]
  }
  x = prependCls(b, x, pos, D); // [N, 1+K, D]

  const encoderBlock = { width: D, heads: spec.encoder.heads, mlpHidden: d.encoderMlpHidden, eps };
  for (let i = 0; i < depth; i++) x = block(b, { module: `blocks.${i}`, part: 'encoder', layer: i + 1 }, `blocks.${i}`, x, encoderBlock);
  const latent = layerNorm(b, { module: 'norm', part: 'encoder', layer: depth + 1 }, 'norm', x, D, eps); // [N, 1+K, D]

  const meta = graphMeta(spec, d, K);
  if (kind === 'encoder' || !masking) return b.finish(kind, meta, { latent, patch_embed: embedded });

  // Decoder.
  const Dd = spec.decoder.width;
  const decoderSite = (module: string): ParamSite => ({ module, part: 'decoder', layer: depth + 1 });
  let y = linear(b, decoderSite('decoder_embed'), 'decoder_embed', latent, D, Dd); // [N, 1+K, Dd]
  if (kind === 'pretrain') {
    const maskToken = b.param(trainable(decoderSite('tokens'), 'mask_token', [1, 1, Dd], { kind: 'normal', std: 0.02 }));
    const fill = b.op('mask_tokens', { kind: 'expandTokens', count: L - K }, [maskToken]); // [N, L-K, Dd]
    const visible = b.op('decoder.visible', { kind: 'sliceTokens', start: 1, end: 1 + K }, [y]); // [N, K, Dd]
    const shuffled = b.op('decoder.shuffled', { kind: 'concatTokens' }, [visible, fill]); // [N, L, Dd]
    const restored = b.op('decoder.unshuffled', { kind: 'gatherTokens' }, [shuffled, masking.idsRestore]); // [N, L, Dd]
    const clsRow = b.op('decoder.cls', { kind: 'sliceTokens', start: 0, end: 1 }, [y]); // [N, 1, Dd]
    y = b.op('decoder.tokens', { kind: 'concatTokens' }, [clsRow, restored]); // [N, 1+L, Dd]
  }
  const decoderPos = b.param(positionTable(decoderSite('tokens'), 'decoder_pos_embed', d.grid, Dd));
  y = b.op('decoder.pos', { kind: 'add' }, [y, decoderPos]);
  const decoderBlock = { width: Dd, heads: spec.decoder.heads, mlpHidden: d.decoderMlpHidden, eps };
  for (let i = 0; i < spec.decoder.depth; i++) y = block(b, decoderSite(`decoder_blocks.${i}`), `decoder_blocks.${i}`, y, decoderBlock);
  y = layerNorm(b, decoderSite('decoder_norm'), 'decoder_norm', y, Dd, eps);
  y = linear(b, decoderSite('decoder_pred'), 'decoder_pred', y, Dd, d.patchDim); // [N, 1+L, p*p*C]
  const pred = b.op('pred', { kind: 'sliceTokens', start: 1, end: 1 + L }, [y]); // [N, L, p*p*C]

  let target = b.op('target', { kind: 'patchify', patch, order: 'hwc' }, [imgs]); // [N, L, p*p*C]
  // The official loss normalises with a fixed 1e-6, independent of the LayerNorm eps.
  if (spec.normPixLoss) target = b.op('target.normalized', { kind: 'normalizePatches', eps: 1e-6 }, [target]);
  const loss = b.op('loss', { kind: 'maskedMse' }, [pred, target, masking.mask]);
  return b.finish(kind, meta, {
    loss,
    pred,
    mask: masking.mask,
    ids_restore: masking.idsRestore,
    latent,
    patch_embed: embedded,
    target,
  });
}
