/**
 * Writing a checkpoint. The file is replaced atomically (temporary file, fsync, rename), so an
 * interrupted or failing save leaves the previous checkpoint whole; values that are not finite
 * are refused before anything is written (finite.ts).
 */
import type { AtomicData } from '../io/index.ts';
import { encodeSafetensorsParts, writeFileAtomic, type TensorToWrite } from '../io/index.ts';
import { encodeFinetuneMeta, type FinetuneMeta } from './finetune-format.ts';
import { encodeMeta, OPTIMIZER_PREFIX, type CheckpointMeta } from './format.ts';
import { checkValues } from './finite.ts';

/** The tensors of a checkpoint, whatever the run. */
export interface CheckpointTensors {
  /** Parameter values by official name, with their shapes. */
  readonly params: ReadonlyMap<string, { readonly shape: readonly number[]; readonly data: Float32Array }>;
  /** AdamW moments by state name (`m.<param>`, `v.<param>`). */
  readonly moments: ReadonlyMap<string, Float32Array>;
}

/** A pretraining checkpoint. */
export interface CheckpointContent extends CheckpointTensors {
  readonly meta: CheckpointMeta;
}

/** A fine-tuning (or scratch baseline) checkpoint. */
export interface FinetuneCheckpointContent extends CheckpointTensors {
  readonly meta: FinetuneMeta;
}

/** How bytes reach the disk; tests pass a writer that fails midway. */
export type AtomicWriter = (path: string, data: AtomicData) => Promise<void>;

/** Saves a pretraining checkpoint to `path` atomically. */
export async function saveCheckpoint(path: string, content: CheckpointContent, write: AtomicWriter = writeFileAtomic): Promise<void> {
  await writeCheckpoint(path, content, encodeMeta(content.meta), write);
}

/** Saves a fine-tuning checkpoint to `path` atomically. */
export async function saveFinetuneCheckpoint(path: string, content: FinetuneCheckpointContent, write: AtomicWriter = writeFileAtomic): Promise<void> {
  await writeCheckpoint(path, content, encodeFinetuneMeta(content.meta), write);
}

/**
 * Parameters under their names, moments under `optimizer.` with their parameter's shape.
 * Refuses (CheckpointValuesError, nothing written) when a value is not finite or a second
 * moment is negative: a diverged run must not replace its last good checkpoint.
 */
async function writeCheckpoint(path: string, content: CheckpointTensors, metadata: Record<string, string>, write: AtomicWriter): Promise<void> {
  checkValues(path, [...[...content.params].map(([name, p]) => [name, p.data] as const), ...[...content.moments].map(([name, data]) => [`${OPTIMIZER_PREFIX}${name}`, data] as const)]);
  const tensors = new Map<string, TensorToWrite>();
  for (const [name, p] of content.params) tensors.set(name, { shape: p.shape, data: p.data });
  for (const [name, data] of content.moments) {
    const param = content.params.get(name.slice(2));
    tensors.set(`${OPTIMIZER_PREFIX}${name}`, { shape: param?.shape ?? [data.length], data });
  }
  await write(path, encodeSafetensorsParts(tensors, metadata, path));
}
