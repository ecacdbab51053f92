/**
 * What other code needs beside the weights to load a maec model: the Hugging Face
 * `config.json` (ViTMAEConfig) and `preprocessor_config.json` (ViTImageProcessor), and for the
 * official facebookresearch/mae code the model's constructor or preset name. All are derived
 * from the spec and the normalisation the model was trained with; nothing here reads files.
 */
import { derive, type MaeSpec } from '../../dsl/index.ts';
import type { ChannelStats } from '../data/types.ts';
import { statsForChannels } from '../data/stats.ts';

/** A spec another implementation cannot represent; `message` says which field and why. */
export class InteropError extends Error {
  override readonly name = 'InteropError';
}

/** Refuses what no ViTMAE implementation has: the symmetric baseline (mask tokens in the encoder). */
function checkPlainMae(spec: MaeSpec, target: string): void {
  if (spec.maskTokensInEncoder)
    throw new InteropError(`spec.maskTokensInEncoder is true (the symmetric baseline of Table 1c): ${target} has no such model; export it with --to onnx (either --part), or use a spec with maskTokensInEncoder false`);
}

/**
 * `config.json` for transformers' `ViTMAEForPreTraining` / `ViTMAEModel` (4.x and 5.x): every
 * size of the spec, exact GELU, qkv bias, no dropout.
 *
 * @example
 * hfConfig(spec).decoder_intermediate_size // int(decoder.width * decoder.mlpRatio)
 */
export function hfConfig(spec: MaeSpec): Record<string, unknown> {
  checkPlainMae(spec, 'Hugging Face ViTMAE');
  return vitMaeConfig(spec);
}

/**
 * The ViTMAEConfig fields of any spec, the symmetric baseline's too (its encoder on whole
 * images is a plain ViTMAEModel; `maec_mask_tokens_in_encoder` records what transformers
 * cannot): for the config.json beside an ONNX export.
 */
export function vitMaeConfig(spec: MaeSpec): Record<string, unknown> {
  const d = derive(spec);
  return {
    architectures: ['ViTMAEForPreTraining'],
    model_type: 'vit_mae',
    image_size: spec.image.size,
    patch_size: spec.encoder.patch,
    num_channels: spec.image.channels,
    hidden_size: spec.encoder.width,
    num_hidden_layers: spec.encoder.depth,
    num_attention_heads: spec.encoder.heads,
    intermediate_size: d.encoderMlpHidden,
    decoder_hidden_size: spec.decoder.width,
    decoder_num_hidden_layers: spec.decoder.depth,
    decoder_num_attention_heads: spec.decoder.heads,
    decoder_intermediate_size: d.decoderMlpHidden,
    mask_ratio: spec.mask.ratio,
    norm_pix_loss: spec.normPixLoss,
    layer_norm_eps: spec.layerNormEps,
    qkv_bias: true,
    hidden_act: 'gelu',
    hidden_dropout_prob: 0,
    attention_probs_dropout_prob: 0,
    initializer_range: 0.02,
    ...(spec.maskTokensInEncoder ? { maec_mask_tokens_in_encoder: true } : {}),
  };
}

/**
 * `preprocessor_config.json` for `ViTImageProcessor` (Python and transformers.js): resize to the
 * model's size, scale bytes to [0, 1], then `(x - mean[c]) / std[c]` with the statistics the
 * model was trained with (maec normalises exactly so, runtime/data/stats.ts). A grey model
 * keeps grey images grey (`do_convert_rgb` false).
 *
 * @example
 * hfPreprocessorConfig(spec, { mean: [0.5], std: [0.5] }).image_mean // [0.5, 0.5, 0.5] for 3 channels
 */
export function hfPreprocessorConfig(spec: MaeSpec, stats: ChannelStats): Record<string, unknown> {
  const c = spec.image.channels;
  if (stats.mean.length !== stats.std.length || (stats.mean.length !== 1 && stats.mean.length !== c))
    throw new InteropError(`normalisation: mean has ${stats.mean.length} values and std ${stats.std.length}; expected 1 or ${c} (spec.image.channels) of each`);
  if (stats.std.some((s) => !(s > 0))) throw new InteropError(`normalisation: every std must be positive, got [${stats.std.join(', ')}]`);
  const s = statsForChannels(stats, c);
  return {
    image_processor_type: 'ViTImageProcessor',
    do_resize: true,
    size: { height: spec.image.size, width: spec.image.size },
    resample: 2,
    do_rescale: true,
    rescale_factor: 1 / 255,
    do_normalize: true,
    image_mean: [...s.mean],
    image_std: [...s.std],
    do_convert_rgb: c === 3,
  };
}

/** The official presets (models_mae.py): name -> sizes, each with patch, 512-wide 8-deep decoder. */
const OFFICIAL_PRESETS: readonly { readonly name: string; readonly finetune: string; readonly patch: number; readonly width: number; readonly depth: number; readonly heads: number }[] = [
  { name: 'mae_vit_base_patch16', finetune: 'vit_base_patch16', patch: 16, width: 768, depth: 12, heads: 12 },
  { name: 'mae_vit_large_patch16', finetune: 'vit_large_patch16', patch: 16, width: 1024, depth: 24, heads: 16 },
  { name: 'mae_vit_huge_patch14', finetune: 'vit_huge_patch14', patch: 14, width: 1280, depth: 32, heads: 16 },
];

/** How the official code builds the model: a preset's name, or the constructor's arguments. */
export interface OfficialModel {
  /** `--model` of main_pretrain.py, when the spec is one of its presets. */
  readonly pretrainPreset?: string;
  /** `--model` of main_finetune.py for the same encoder, when a preset fits. */
  readonly finetunePreset?: string;
  /** `models_mae.MaskedAutoencoderViT(...)`, the arguments written out. */
  readonly pretrainConstructor: string;
  /** `models_vit.VisionTransformer(...)` for fine-tuning the encoder (num_classes left to the user). */
  readonly finetuneConstructor: string;
}

/**
 * The official code's model for the spec. Throws InteropError for what it cannot build: the
 * symmetric baseline, or a decoder MLP ratio other than the encoder's (one `mlp_ratio` there).
 *
 * @example
 * officialModel(maeVitB16Spec).pretrainPreset // 'mae_vit_base_patch16'
 */
export function officialModel(spec: MaeSpec): OfficialModel {
  checkPlainMae(spec, 'the official MAE code');
  const { encoder: e, decoder: dec } = spec;
  if (dec.mlpRatio !== e.mlpRatio)
    throw new InteropError(`spec.decoder.mlpRatio (${dec.mlpRatio}) differs from spec.encoder.mlpRatio (${e.mlpRatio}); the official MaskedAutoencoderViT has one mlp_ratio for both`);
  const eps = spec.layerNormEps;
  const norm = `partial(nn.LayerNorm, eps=${pyNumber(eps)})`;
  const preset = OFFICIAL_PRESETS.find((p) => p.patch === e.patch && p.width === e.width && p.depth === e.depth && p.heads === e.heads && e.mlpRatio === 4 && eps === 1e-6 && spec.image.size === 224 && spec.image.channels === 3);
  // main_pretrain.py / main_finetune.py build presets at img_size 224 with 3 channels.
  const decoderFits = dec.width === 512 && dec.depth === 8 && dec.heads === 16;
  const pretrainConstructor =
    `models_mae.MaskedAutoencoderViT(img_size=${spec.image.size}, patch_size=${e.patch}, in_chans=${spec.image.channels}, ` +
    `embed_dim=${e.width}, depth=${e.depth}, num_heads=${e.heads}, decoder_embed_dim=${dec.width}, decoder_depth=${dec.depth}, ` +
    `decoder_num_heads=${dec.heads}, mlp_ratio=${pyNumber(e.mlpRatio)}, norm_layer=${norm}, norm_pix_loss=${spec.normPixLoss ? 'True' : 'False'})`;
  const finetuneConstructor =
    `models_vit.VisionTransformer(img_size=${spec.image.size}, patch_size=${e.patch}, in_chans=${spec.image.channels}, ` +
    `embed_dim=${e.width}, depth=${e.depth}, num_heads=${e.heads}, mlp_ratio=${pyNumber(e.mlpRatio)}, qkv_bias=True, norm_layer=${norm}, num_classes=NUM_CLASSES, global_pool=True)`;
  return {
    ...(preset && decoderFits ? { pretrainPreset: preset.name } : {}),
    ...(preset ? { finetunePreset: preset.finetune } : {}),
    pretrainConstructor,
    finetuneConstructor,
  };
}

/** A number as Python writes it in source: 4 -> 4.0, 1e-6 -> 1e-06. */
function pyNumber(x: number): string {
  if (Number.isInteger(x)) return `${x}.0`;
  // Python's repr switches to exponent notation below 1e-4 and pads the exponent to 2 digits.
  const text = Math.abs(x) < 1e-4 ? x.toExponential() : String(x);
  return text.replace(/e([+-])(\d)$/, 'e$10$2');
}
