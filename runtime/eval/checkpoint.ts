import { existsSync } from 'node:fs';
import { loadSafetensors, saveSafetensors, toFloat32, type TensorToWrite } from '../io/index.ts';

export const FINETUNE_FORMAT = 'maec-finetune/1';
const MOMENTS = 'optimizer.';

/** A fine-tuning run's state at an epoch boundary. */
export interface FinetuneState {
  /** Epochs completed; a resumed run starts at this epoch. */
  readonly epoch: number;
  /** Optimizer steps taken. */
  readonly step: number;
  readonly params: ReadonlyMap<string, { readonly shape: readonly number[]; readonly data: Float32Array }>;
  /** AdamW moments by `m.<param>` / `v.<param>`. */
  readonly moments: ReadonlyMap<string, Float32Array>;
  /** What the run was started with (spec, config, data, mode), echoed on resume. */
  readonly info: Readonly<Record<string, string>>;
}

/**
 * Saves a fine-tuning checkpoint atomically: parameters under official names, moments as
 * `optimizer.m.<name>` / `optimizer.v.<name>` (the pretraining checkpoint's spelling).
 */
export async function saveFinetuneState(path: string, s: FinetuneState): Promise<void> {
  const tensors = new Map<string, TensorToWrite>();
  for (const [name, p] of s.params) tensors.set(name, { shape: p.shape, data: p.data });
  for (const [name, data] of s.moments) tensors.set(`${MOMENTS}${name}`, { shape: [data.length], data });
  await saveSafetensors(path, tensors, { ...s.info, format: FINETUNE_FORMAT, epoch: String(s.epoch), step: String(s.step) });
}

/** Reads a checkpoint written by `saveFinetuneState`, or undefined when `path` does not exist. */
export async function loadFinetuneState(path: string): Promise<FinetuneState | undefined> {
  if (!existsSync(path)) return undefined;
  const { tensors, metadata } = await loadSafetensors(path);
  if (metadata['format'] !== FINETUNE_FORMAT) throw new Error(`${path}: expected format ${FINETUNE_FORMAT}, found ${metadata['format'] ?? 'none'}`);
  const params = new Map<string, { shape: readonly number[]; data: Float32Array }>();
  const moments = new Map<string, Float32Array>();
  for (const [name, t] of tensors) {
    if (name.startsWith(MOMENTS)) moments.set(name.slice(MOMENTS.length), toFloat32(t, path));
    else params.set(name, { shape: t.shape, data: toFloat32(t, path) });
  }
  const { format: _f, epoch, step, ...info } = metadata;
  return { epoch: Number(epoch), step: Number(step), params, moments, info };
}
