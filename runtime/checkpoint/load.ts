/**
 * Reading checkpoints back: the one place maec reads them, for resuming pretraining or
 * fine-tuning and for loading a pretrained encoder. Parameters are checked against the model;
 * moments and metadata come with them.
 */
import type { ExpectedParam } from '../weights/index.ts';
import { loadSafetensors, toFloat32, type SafetensorsFile } from '../io/index.ts';
import { loadWeights } from '../weights/index.ts';
import { decodeFinetuneMeta, type FinetuneMeta } from './finetune-format.ts';
import { CHECKPOINT_FORMAT, decodeMeta, OPTIMIZER_PREFIX, type CheckpointMeta } from './format.ts';
import { checkValues } from './finite.ts';

/** A checkpoint file whatever its kind (or none: plain weight files have no maec metadata). */
export interface CheckpointFile {
  readonly path: string;
  readonly file: SafetensorsFile;
  /** AdamW moments by state name (`m.<param>`). */
  readonly moments: ReadonlyMap<string, Float32Array>;
}

export interface LoadedCheckpoint extends CheckpointFile {
  readonly meta: CheckpointMeta;
}

export interface LoadedFinetuneCheckpoint extends CheckpointFile {
  readonly meta: FinetuneMeta;
}

/** Reads a safetensors file as a checkpoint without asking for any metadata; throws naming the file. */
export async function readCheckpointFile(path: string): Promise<CheckpointFile> {
  const file = await loadSafetensors(path);
  const moments = new Map<string, Float32Array>();
  for (const [name, t] of file.tensors) if (name.startsWith(OPTIMIZER_PREFIX)) moments.set(name.slice(OPTIMIZER_PREFIX.length), toFloat32(t, path));
  // A checkpoint is maec's own: every float value must be finite and every second moment >= 0.
  checkValues(path, [...file.tensors].filter(([, t]) => t.dtype.startsWith('F') || t.dtype === 'BF16').map(([name, t]) => [name, toFloat32(t, path)] as const));
  return { path, file, moments };
}

/**
 * The `format` tags of plain weight files (no maec metadata): what Hugging Face and the
 * frameworks write into safetensors, and what maec's own exports carry.
 */
const WEIGHT_FILE_FORMATS: readonly string[] = ['pt', 'tf', 'flax', 'np', 'mlx'];

/**
 * Reads a file to take a pretrained encoder from: a pretraining checkpoint (format
 * CHECKPOINT_FORMAT) or a plain weight file (no format, or a framework's tag such as `pt`). Any
 * other format (a fine-tuning checkpoint, one from a newer maec) throws naming the file, the
 * format found and the one expected: its tensors may not mean what this maec takes them for.
 */
export async function readEncoderCheckpoint(path: string): Promise<CheckpointFile> {
  const ckpt = await readCheckpointFile(path);
  const format = ckpt.file.metadata['format'];
  if (format !== undefined && format !== CHECKPOINT_FORMAT && !WEIGHT_FILE_FORMATS.includes(format)) {
    const kind = format.startsWith('maec-finetune/') ? ' (a fine-tuning checkpoint)' : '';
    throw new Error(`${path}: cannot load a pretrained encoder from checkpoint format ${format}${kind}; expected ${CHECKPOINT_FORMAT} (a pretraining checkpoint) or a weight file without a maec format`);
  }
  return ckpt;
}

/** Reads a pretraining checkpoint; throws with the file named when it is missing or malformed. */
export async function readCheckpoint(path: string): Promise<LoadedCheckpoint> {
  const ckpt = await readCheckpointFile(path);
  return { ...ckpt, meta: decodeMeta(ckpt.file.metadata, path) };
}

/** Reads a fine-tuning checkpoint; throws with the file named when it is missing or malformed. */
export async function readFinetuneCheckpoint(path: string): Promise<LoadedFinetuneCheckpoint> {
  const ckpt = await readCheckpointFile(path);
  return { ...ckpt, meta: decodeFinetuneMeta(ckpt.file.metadata, path) };
}

export interface CheckedParamsOptions {
  /**
   * The model is the encoder alone (`params` lists its parameters): decoder tensors in the file
   * are ignored and may be absent, so an encoder-only file loads as well as a whole MAE.
   */
  readonly encoderOnly?: boolean;
}

/**
 * The checkpoint's parameters (not its optimizer moments) checked against the model's list:
 * every shape, and a missing or extra tensor, is a WeightsError naming the file and the tensor.
 * The fixed position tables may be absent: they come from `fallback`, or are left out of the
 * result when `fallback` lacks them.
 */
export function checkedParams(
  ckpt: CheckpointFile,
  params: readonly ExpectedParam[],
  fallback: ReadonlyMap<string, Float32Array> = new Map(),
  options: CheckedParamsOptions = {},
): Map<string, Float32Array> {
  const tensors = new Map([...ckpt.file.tensors].filter(([name]) => !name.startsWith(OPTIMIZER_PREFIX)));
  const loaded = loadWeights(tensors, params.map((p) => ({ name: p.name, shape: p.shape })), { source: ckpt.path, encoderOnly: options.encoderOnly === true });
  return new Map(params.flatMap((p) => {
    const value = loaded.get(p.name) ?? fallback.get(p.name);
    return value === undefined ? [] : [[p.name, value] as const];
  }));
}
