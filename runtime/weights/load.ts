/**
 * Matching a checkpoint's tensors to the model's parameters. Accepts official or Hugging Face
 * names in any layout of names.ts (detected), a wrapper prefix shared by every key (`model.`, `module.`), any float dtype;
 * checks every shape; collects every problem before failing.
 */
import { FLOAT_DTYPES, formatShape, type SafetensorsTensor } from '../io/dtypes.ts';
import { toFloat32 } from '../io/convert.ts';
import { hfToOfficial, type SourcedArray } from './hf.ts';
import { detectNaming, HF_LAYOUTS, hfToOfficialName, officialToHfNames, wrapperPrefix, type HfLayout } from './names.ts';
import { isDecoderParam, isFrozenParam, isPretrainingOnlyParam, type ExpectedParam } from './params.ts';
import { WeightsError, type WeightProblem } from './problems.ts';

export interface LoadWeightsOptions {
  /**
   * Load for feature extraction: decoder parameters (`decoder_*`, `mask_token`) need not be in
   * the file (official `mae_pretrain_vit_*.pth` holds the encoder only). Decoder tensors that
   * are present are still checked if expected, and ignored if not.
   */
  readonly encoderOnly?: boolean;
  /** Names the checkpoint in error messages. */
  readonly source?: string;
}

/**
 * Official name -> float32 values for every expected parameter found in `tensors`, in the order
 * of `expected`. The frozen position tables (`pos_embed`, `decoder_pos_embed`) may be absent
 * (recompute them) but must have the right shape when present. Throws `WeightsError` listing
 * every missing, unexpected, mis-shaped or non-float tensor.
 *
 * @example
 * const file = await loadSafetensors('mae_pretrain_vit_base.safetensors');
 * const weights = loadWeights(file.tensors, model.params, { encoderOnly: true });
 * weights.get('blocks.0.attn.qkv.weight') // Float32Array, [2304, 768] row-major
 */
export function loadWeights(
  tensors: ReadonlyMap<string, SafetensorsTensor>,
  expected: readonly ExpectedParam[],
  options: LoadWeightsOptions = {},
): Map<string, Float32Array> {
  const source = options.source ?? '<weights>';
  const problems: WeightProblem[] = [];
  const { found, unknown } = officialTensors(tensors, problems);
  const wanted = new Map(expected.map((p) => [p.name, p]));
  const weights = new Map<string, Float32Array>();
  for (const param of expected) {
    const tensor = found.get(param.name);
    if (tensor === undefined) {
      const optional = isFrozenParam(param.name) || (options.encoderOnly === true && isPretrainingOnlyParam(param.name));
      if (!optional) problems.push({ code: 'missing', name: param.name, message: `missing (expected shape ${formatShape(param.shape)})` });
    } else if (formatShape(tensor.shape) !== formatShape(param.shape)) {
      problems.push({ code: 'shape', name: param.name, message: `expected shape ${formatShape(param.shape)}, found ${formatShape(tensor.shape)}${from(param.name, tensor)}` });
    } else {
      weights.set(param.name, tensor.data);
    }
  }
  for (const [name, tensor] of found) {
    if (wanted.has(name) || (options.encoderOnly === true && isPretrainingOnlyParam(name))) continue;
    problems.push({ code: 'unexpected', name, message: `unexpected tensor ${formatShape(tensor.shape)}${from(name, tensor)}: the model has no such parameter` });
  }
  for (const { key, bare, layout } of unknown) problems.push({ code: 'unexpected', name: key, message: unknownKeyMessage(bare, layout) });
  if (problems.length > 0) throw new WeightsError(source, problems, encoderOnlyHint(problems, found, options));
  return weights;
}

/** The file's tensors under official names, float32; non-float tensors become problems. */
function officialTensors(
  tensors: ReadonlyMap<string, SafetensorsTensor>,
  problems: WeightProblem[],
): { found: Map<string, SourcedArray>; unknown: { key: string; bare: string; layout: HfLayout }[] } {
  const prefix = wrapperPrefix([...tensors.keys()]);
  const floats = new Map<string, SourcedArray>();
  for (const [key, tensor] of tensors) {
    const name = key.slice(prefix.length);
    if (!FLOAT_DTYPES.includes(tensor.dtype)) {
      problems.push({ code: 'dtype', name: key, message: `expected a float dtype (${FLOAT_DTYPES.join(', ')}), found ${tensor.dtype}` });
      continue;
    }
    floats.set(name, { shape: tensor.shape, data: toFloat32(tensor), source: key });
  }
  if (detectNaming(floats.keys()) === 'official') return { found: floats, unknown: [] };
  const converted = hfToOfficial(floats);
  problems.push(...converted.problems);
  const found = new Map([...converted.tensors].map(([name, t]) => [name, { ...t, source: prefix + t.source }]));
  return { found, unknown: converted.unknown.map((k) => ({ key: prefix + k, bare: k, layout: converted.layout })) };
}

/** How the layouts are called in messages. */
const LAYOUT_TEXT: Readonly<Record<HfLayout, string>> = {
  hf4: 'transformers 4.x names',
  'hf5-saved': 'transformers 5.x save_pretrained names',
  'hf5-module': 'transformers 5.x module (state_dict) names',
};

/**
 * Why a key of an HF-named file was not understood: an official key or a key of another Hugging
 * Face layout there means mixed naming.
 */
function unknownKeyMessage(key: string, layout: HfLayout): string {
  if (officialToHfNames(key) !== undefined) return `unexpected tensor: an official MAE name in a file that otherwise uses Hugging Face names (${LAYOUT_TEXT[layout]})`;
  const other = HF_LAYOUTS.find((l) => l !== layout && hfToOfficialName(key, l) !== undefined);
  if (other !== undefined) return `unexpected tensor: one of the ${LAYOUT_TEXT[other]} in a file that otherwise uses ${LAYOUT_TEXT[layout]}`;
  return `unexpected tensor: not a Hugging Face ViTMAE parameter name (the file uses ${LAYOUT_TEXT[layout]})`;
}

/** ` (from vit.layernorm.weight)` when the file called it something else. */
function from(name: string, tensor: SourcedArray): string {
  return tensor.source === name ? '' : ` (from ${tensor.source})`;
}

function encoderOnlyHint(problems: readonly WeightProblem[], found: ReadonlyMap<string, unknown>, options: LoadWeightsOptions): string | undefined {
  if (options.encoderOnly === true) return undefined;
  const missingDecoder = problems.some((p) => p.code === 'missing' && isDecoderParam(p.name));
  const hasDecoder = [...found.keys()].some(isDecoderParam);
  return missingDecoder && !hasDecoder ? 'The file holds no decoder: it looks like an encoder-only checkpoint; load it with { encoderOnly: true } for feature extraction.' : undefined;
}
