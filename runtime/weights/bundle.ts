/**
 * Export folders: the files another implementation loads a maec model from, built in memory
 * from the spec, the weights (official names, every parameter of the MAE graph) and the
 * normalisation, then written into a fresh folder atomically.
 *
 * - `hf`: config.json, preprocessor_config.json, model.safetensors (transformers 4.x names,
 *   which transformers 4.x and 5.x `from_pretrained` both read);
 * - `official`: model.safetensors (official names) and README.md, how to make the `.pth` the
 *   official code reads;
 * - `onnx`: onnx/model.onnx beside config.json and preprocessor_config.json (the layout
 *   transformers.js reads from a local folder).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { buildGraph } from '../../compiler/build/mae.ts';
import type { MaeSpec } from '../../dsl/index.ts';
import type { ChannelStats } from '../data/types.ts';
import type { Graph } from '../../compiler/ir/types.ts';
import { initialValue } from '../init.ts';
import { encodeSafetensors } from '../io/safetensors.ts';
import { Rng } from '../rng.ts';
import { lowerToOnnx } from '../onnx/lower.ts';
import { exportWeights } from './export.ts';
import { hfConfig, hfPreprocessorConfig, InteropError, officialModel, vitMaeConfig } from './interop.ts';

export type ExportFormat = 'hf' | 'official' | 'onnx';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['hf', 'official', 'onnx'];
/** What the ONNX model computes: the encoder as a feature extractor, or the whole MAE. */
export type OnnxPart = 'encoder' | 'mae';
export const ONNX_PARTS: readonly OnnxPart[] = ['encoder', 'mae'];

export interface BundleInput {
  readonly spec: MaeSpec;
  /** Every parameter of `buildGraph(spec)` by official name (encoder ones suffice for an ONNX encoder). */
  readonly weights: ReadonlyMap<string, Float32Array>;
  /** The normalisation the model was trained with; needed for `hf` and `onnx`. */
  readonly stats?: ChannelStats;
  /** Where the weights came from, for README.md and metadata. */
  readonly source: string;
}

/** A file of an export folder: its path inside the folder and its bytes. */
export type BundleFiles = Map<string, Uint8Array | string>;

/**
 * The weights with the frozen sin-cos tables (`pos_embed`, `decoder_pos_embed`) computed where
 * absent, as every other implementation expects them in the file.
 */
export function withFrozenTables(graph: Graph, weights: ReadonlyMap<string, Float32Array>): Map<string, Float32Array> {
  const rng = Rng.fromSeed(0); // unused by the sin-cos init, which is deterministic
  const out = new Map(weights);
  for (const p of graph.params) if (!p.trainable && !out.has(p.name)) out.set(p.name, initialValue(p, rng));
  return out;
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

function needStats(input: BundleInput, what: string): ChannelStats {
  if (input.stats === undefined) throw new InteropError(`records no normalisation (the mean and std its pixels were normalised with), which ${what} needs: give --mean and --std`);
  return input.stats;
}

/**
 * The files of `--to hf`: ViTMAEForPreTraining.from_pretrained(folder) loads them with every
 * parameter present (the frozen position tables too).
 *
 * @example
 * const files = hfBundle({ spec, weights, stats, source: 'runs/quick' }); files.get('config.json')
 */
export function hfBundle(input: BundleInput): BundleFiles {
  const config = hfConfig(input.spec);
  const preprocessor = hfPreprocessorConfig(input.spec, needStats(input, 'preprocessor_config.json'));
  const graph = buildGraph(input.spec);
  const tensors = exportWeights(withFrozenTables(graph, input.weights), graph.params, { naming: 'hf' });
  return new Map<string, Uint8Array | string>([
    ['config.json', json(config)],
    ['preprocessor_config.json', json(preprocessor)],
    ['model.safetensors', encodeSafetensors(tensors, { format: 'pt', producer: 'maec export', source: input.source })],
  ]);
}

/** The files of `--to official`: official names in safetensors and a README saying how to make the `.pth`. */
export function officialBundle(input: BundleInput): BundleFiles {
  const model = officialModel(input.spec);
  const graph = buildGraph(input.spec);
  const tensors = exportWeights(withFrozenTables(graph, input.weights), graph.params, { naming: 'official' });
  return new Map<string, Uint8Array | string>([
    ['model.safetensors', encodeSafetensors(tensors, { format: 'pt', producer: 'maec export', source: input.source })],
    ['README.md', officialReadme(input, model)],
  ]);
}

function officialReadme(input: BundleInput, model: ReturnType<typeof officialModel>): string {
  const { spec } = input;
  const pretrainModel = model.pretrainPreset === undefined
    ? `No preset of models_mae.py has these sizes; build the model with\n\n    ${model.pretrainConstructor}\n\nfor example by adding a function returning it to models_mae.py and passing its name as --model.`
    : `The model is the preset \`${model.pretrainPreset}\`.`;
  const finetuneModel = model.finetunePreset === undefined
    ? `No preset of models_vit.py has these sizes; build the encoder with\n\n    ${model.finetuneConstructor}\n\nthe same way.`
    : `The encoder is the preset \`${model.finetunePreset}\`.`;
  const modelArg = (preset: string | undefined, fallback: string) => preset ?? fallback;
  return `# MAE weights exported by maec

Source: ${input.source}. \`model.safetensors\` holds every parameter of the MAE under the names of
the official code (facebookresearch/mae, \`models_mae.MaskedAutoencoderViT\`), float32, the fixed
sin-cos tables \`pos_embed\` and \`decoder_pos_embed\` included.

Sizes: image ${spec.image.size}x${spec.image.size}, ${spec.image.channels} channels, patch ${spec.encoder.patch};
encoder width ${spec.encoder.width}, depth ${spec.encoder.depth}, ${spec.encoder.heads} heads, MLP ratio ${spec.encoder.mlpRatio};
decoder width ${spec.decoder.width}, depth ${spec.decoder.depth}, ${spec.decoder.heads} heads; LayerNorm eps ${spec.layerNormEps};
mask ratio ${spec.mask.ratio}; norm_pix_loss ${spec.normPixLoss ? 'on' : 'off'}.

## Make the checkpoint the official code reads

The official scripts read a pickled \`.pth\` holding \`{'model': state_dict}\`. Two lines of Python
(with torch and safetensors installed) make it:

\`\`\`python
import torch, safetensors.torch
torch.save({'model': safetensors.torch.load_file('model.safetensors')}, 'checkpoint.pth')
\`\`\`

## Continue pretraining

${pretrainModel}

    python main_pretrain.py --model ${modelArg(model.pretrainPreset, 'YOUR_MODEL_NAME')} --input_size ${spec.image.size} --mask_ratio ${spec.mask.ratio}${spec.normPixLoss ? ' --norm_pix_loss' : ''} --resume checkpoint.pth --data_path DATA

\`--resume\` loads the weights; the checkpoint holds no optimizer state, so AdamW starts afresh
at epoch 0 (set --start_epoch to continue a schedule).

## Fine-tune the encoder

${finetuneModel}

    python main_finetune.py --model ${modelArg(model.finetunePreset, 'YOUR_MODEL_NAME')} --input_size ${spec.image.size} --finetune checkpoint.pth --nb_classes NUM_CLASSES --data_path DATA

\`--finetune\` keeps the encoder's parameters and ignores the decoder's.
`;
}

/**
 * The files of `--to onnx`: onnx/model.onnx (opset 17) with config.json and
 * preprocessor_config.json. `encoder`: pixel_values [N, C, H, W] -> last_hidden_state
 * [N, 1+L, D] over every patch, cls first, after the final LayerNorm (what transformers.js's
 * ViTMAEModel feature extraction returns). `mae`: pixel_values, noise [N, L] -> loss, logits
 * [N, L, p*p*C], mask [N, L] (1 = removed), ids_restore [N, L] (int64).
 */
export function onnxBundle(input: BundleInput, part: OnnxPart): BundleFiles {
  const config = { ...vitMaeConfig(input.spec), architectures: [part === 'encoder' ? 'ViTMAEModel' : 'ViTMAEForPreTraining'] };
  const preprocessor = hfPreprocessorConfig(input.spec, needStats(input, 'preprocessor_config.json'));
  const graph = buildGraph(input.spec, part === 'encoder' ? 'encoder' : undefined); // undefined: MAE or symmetric, as the spec says
  const outputs: [string, string][] = part === 'encoder' ? [['last_hidden_state', 'latent']] : [['loss', 'loss'], ['logits', 'pred'], ['mask', 'mask'], ['ids_restore', 'ids_restore']];
  const model = lowerToOnnx(graph, {
    inputs: { imgs: 'pixel_values', noise: 'noise' },
    outputs,
    params: withFrozenTables(graph, input.weights),
    graphName: part === 'encoder' ? 'maec_mae_encoder' : 'maec_mae',
    docString: `maec ${part === 'encoder' ? 'MAE encoder (feature extraction)' : 'MAE pretraining forward pass'} from ${input.source}`,
    metadata: { source: input.source, spec: JSON.stringify(input.spec) },
  });
  return new Map<string, Uint8Array | string>([
    ['config.json', json(config)],
    ['preprocessor_config.json', json(preprocessor)],
    ['onnx/model.onnx', model],
  ]);
}

/** An export folder could not be written where asked; `message` names the folder. */
export class ExportFolderError extends Error {
  override readonly name = 'ExportFolderError';
}

/**
 * Writes `files` as the new folder `out`, atomically: into a temporary folder beside it, then
 * renamed. `out` must not exist or be an empty folder, and its parent must exist. On any
 * failure the temporary folder is removed and nothing is left at `out`.
 *
 * @example
 * await writeFolderAtomic('exports/hf', hfBundle(input));
 */
export async function writeFolderAtomic(out: string, files: BundleFiles): Promise<void> {
  const parent = dirname(out);
  if (!existsSync(parent) || !statSync(parent).isDirectory()) throw new ExportFolderError(`${out}: the parent folder ${parent} does not exist`);
  if (existsSync(out)) {
    if (!statSync(out).isDirectory()) throw new ExportFolderError(`${out} exists and is not a folder: choose another --out`);
    if (readdirSync(out).length > 0) throw new ExportFolderError(`${out} is not empty: choose another --out or empty it first`);
  }
  const temp = join(parent, `.${basename(out)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  await mkdir(temp);
  try {
    for (const [path, data] of files) {
      const target = join(temp, path);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, data);
    }
    if (existsSync(out)) await rmdir(out); // empty, checked above
    await rename(temp, out);
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
}
