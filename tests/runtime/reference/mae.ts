import type { MaeSpec } from '../../../dsl/index.ts';
import { block, layerNormLayer, linearLayer, type BlockShape } from './block.ts';
import { linear } from './linear.ts';
import { add, concatRows, gatherRows, repeatRow, row, sliceRows, zeros, type Mat } from './mat.ts';
import { keptCount, randomMasking, type Masking } from './masking.ts';
import { maskedMse, normalizePatches } from './loss.ts';
import { param, type ParamValues } from './params.ts';
import { patchify } from './patchify.ts';
import { sincosTable } from './position.ts';

/**
 * The reference forward pass of the official MAE (../shared/reference/MAE-SPEC.md), in float64
 * with plain loops, one image at a time. It reads trainable parameters by official name from
 * `params`, and builds the frozen position tables itself (it never reads pos_embed or
 * decoder_pos_embed), so a wrong table in the runtime shows up as a mismatch.
 *
 * Kinds, as compiler/build/mae.ts names them:
 * - 'pretrain': MAE proper (encoder on the 1 + K visible tokens).
 * - 'symmetric': masked patch embeddings replaced by `encoder_mask_token` before the position
 *   table is added; the encoder runs on all 1 + L tokens; the decoder needs no unshuffle.
 * - 'encoder': no masking; latent [1 + L, D].
 */
export type ReferenceKind = 'pretrain' | 'symmetric' | 'encoder';

export interface ReferenceInputs {
  /** Number of images N. */
  readonly n: number;
  /** [N, C, H, W] row-major. */
  readonly imgs: ArrayLike<number>;
  /** [N, L] row-major, uniform in [0, 1); not read by the encoder kind. */
  readonly noise?: ArrayLike<number>;
}

/** Per-image results; a list holds one entry per image. */
export interface ReferenceOutputs {
  /** Patch embeddings before the position table: [L, D] each. */
  readonly patchEmbed: Mat[];
  /** [1 + K, D] each (pretrain), [1 + L, D] (symmetric, encoder). */
  readonly latent: Mat[];
  /** The rest is absent for the encoder kind. */
  readonly masking?: Masking[];
  /** [L, p*p*C] each. */
  readonly pred?: Mat[];
  /** patchify(imgs) in 'hwc' order, normalised per patch when normPixLoss: [L, p*p*C] each. */
  readonly target?: Mat[];
  readonly loss?: number;
}

/** Sizes the forward pass needs, derived from the spec here rather than by dsl/derived.ts. */
interface Sizes {
  readonly C: number;
  readonly size: number;
  readonly p: number;
  readonly g: number;
  readonly L: number;
  readonly K: number;
  readonly D: number;
  readonly Dd: number;
  readonly encoderBlock: BlockShape;
  readonly decoderBlock: BlockShape;
}

function sizes(spec: MaeSpec): Sizes {
  const { patch: p, width: D, heads, mlpRatio } = spec.encoder;
  const g = spec.image.size / p;
  const L = g * g;
  const eps = spec.layerNormEps;
  return {
    C: spec.image.channels,
    size: spec.image.size,
    p,
    g,
    L,
    K: keptCount(L, spec.mask.ratio),
    D,
    Dd: spec.decoder.width,
    encoderBlock: { width: D, heads, hidden: Math.floor(D * mlpRatio), eps },
    decoderBlock: { width: spec.decoder.width, heads: spec.decoder.heads, hidden: Math.floor(spec.decoder.width * spec.decoder.mlpRatio), eps },
  };
}

/** Image n of the batch as its [C, H, W] values. */
function image(inputs: ReferenceInputs, s: Sizes, n: number): ArrayLike<number> {
  const count = s.C * s.size * s.size;
  return Array.prototype.slice.call(inputs.imgs, n * count, (n + 1) * count) as number[];
}

/** Patch embedding: the conv weight [D, C, p, p] as a Linear [D, C*p*p] on 'chw' patches -> [L, D]. */
function embedPatches(params: ParamValues, img: ArrayLike<number>, s: Sizes): Mat {
  const patches = patchify(img, s.C, s.size, s.p, 'chw'); // [L, C*p*p]
  return linear(patches, param(params, 'patch_embed.proj.weight', [s.D, s.C, s.p, s.p]), param(params, 'patch_embed.proj.bias', [s.D]));
}

/** Masked rows of x [L, D] replaced by the learned [1, 1, D] token `name`. */
function replaceMasked(params: ParamValues, name: string, x: Mat, mask: readonly number[]): Mat {
  const token = param(params, name, [1, 1, x.cols]);
  const out = zeros(x.rows, x.cols);
  for (let l = 0; l < x.rows; l++) out.data.set(mask[l] === 1 ? token : row(x, l), l * x.cols);
  return out;
}

/** Prepends cls_token + pos_embed[0] to tokens [T, D], runs the blocks and the final norm -> [1 + T, D]. */
function encode(params: ParamValues, tokens: Mat, pos: Mat, spec: MaeSpec, s: Sizes): Mat {
  const cls = add({ rows: 1, cols: s.D, data: param(params, 'cls_token', [1, 1, s.D]) }, sliceRows(pos, 0, 1)); // [1, D]
  let x = concatRows([cls, tokens]); // [1 + T, D]
  for (let i = 0; i < spec.encoder.depth; i++) x = block(params, `blocks.${i}`, x, s.encoderBlock);
  return layerNormLayer(params, 'norm', x, spec.layerNormEps);
}

/**
 * decoder_embed on latent [1 + K, D]; in pretraining the K visible rows are followed by L - K
 * copies of mask_token and unshuffled with ids_restore. Returns [1 + L, Dd] before the table.
 */
function decoderTokens(params: ParamValues, latent: Mat, masking: Masking, unshuffle: boolean, s: Sizes): Mat {
  const y = linearLayer(params, 'decoder_embed', latent, s.Dd); // [1 + K, Dd] or [1 + L, Dd]
  if (!unshuffle) return y;
  const fill = repeatRow(param(params, 'mask_token', [1, 1, s.Dd]), s.L - s.K); // [L - K, Dd]
  const shuffled = concatRows([sliceRows(y, 1, 1 + s.K), fill]); // [L, Dd]
  return concatRows([sliceRows(y, 0, 1), gatherRows(shuffled, masking.idsRestore)]); // [1 + L, Dd]
}

/** Decoder tokens [1 + L, Dd] + table -> blocks -> norm -> decoder_pred -> drop cls: [L, p*p*C]. */
function decode(params: ParamValues, tokens: Mat, spec: MaeSpec, s: Sizes): Mat {
  let y = add(tokens, sincosTable(s.g, s.Dd));
  for (let i = 0; i < spec.decoder.depth; i++) y = block(params, `decoder_blocks.${i}`, y, s.decoderBlock);
  y = layerNormLayer(params, 'decoder_norm', y, spec.layerNormEps);
  return sliceRows(linearLayer(params, 'decoder_pred', y, s.p * s.p * s.C), 1, 1 + s.L);
}

/** The regression target of one image: 'hwc' patches, normalised per patch when normPixLoss. */
function target(img: ArrayLike<number>, spec: MaeSpec, s: Sizes): Mat {
  const t = patchify(img, s.C, s.size, s.p, 'hwc'); // [L, p*p*C]
  return spec.normPixLoss ? normalizePatches(t) : t;
}

/** Runs the reference forward pass of `kind` on a batch. */
export function referenceForward(spec: MaeSpec, kind: ReferenceKind, params: ParamValues, inputs: ReferenceInputs): ReferenceOutputs {
  const s = sizes(spec);
  const pos = sincosTable(s.g, s.D); // [1 + L, D]
  const patchPos = sliceRows(pos, 1, 1 + s.L); // [L, D]
  const out = { patchEmbed: [] as Mat[], latent: [] as Mat[], masking: [] as Masking[], pred: [] as Mat[], target: [] as Mat[] };
  for (let n = 0; n < inputs.n; n++) {
    const img = image(inputs, s, n);
    const embedded = embedPatches(params, img, s); // [L, D]
    out.patchEmbed.push(embedded);
    if (kind === 'encoder') {
      out.latent.push(encode(params, add(embedded, patchPos), pos, spec, s)); // [1 + L, D]
      continue;
    }
    if (!inputs.noise) throw new Error(`reference: the ${kind} pass needs noise`);
    const masking = randomMasking(Array.prototype.slice.call(inputs.noise, n * s.L, (n + 1) * s.L) as number[], s.K);
    const latent =
      kind === 'pretrain'
        ? encode(params, gatherRows(add(embedded, patchPos), masking.idsKeep), pos, spec, s) // [1 + K, D]
        : encode(params, add(replaceMasked(params, 'encoder_mask_token', embedded, masking.mask), patchPos), pos, spec, s); // [1 + L, D]
    out.masking.push(masking);
    out.latent.push(latent);
    out.pred.push(decode(params, decoderTokens(params, latent, masking, kind === 'pretrain', s), spec, s));
    out.target.push(target(img, spec, s));
  }
  if (kind === 'encoder') return { patchEmbed: out.patchEmbed, latent: out.latent };
  const loss = maskedMse(
    out.pred,
    out.target,
    out.masking.map((m) => m.mask),
  );
  return { ...out, loss };
}

/** The loss alone (for finite differences). */
export function referenceLoss(spec: MaeSpec, kind: 'pretrain' | 'symmetric', params: ParamValues, inputs: ReferenceInputs): number {
  const { loss } = referenceForward(spec, kind, params, inputs);
  if (loss === undefined) throw new Error('reference: no loss');
  return loss;
}

/** The per-image matrices of a list, one after another, as a flat [N, rows, cols] array. */
export function stack(mats: readonly Mat[]): Float64Array {
  return concatRows(mats).data;
}
