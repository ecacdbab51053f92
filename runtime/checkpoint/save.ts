/**
 * Writing a checkpoint. The file is replaced atomically (temporary file, fsync, rename), so an
 * interrupted or failing save leaves the previous checkpoint whole.
 */
import type { AtomicData } from '../io/index.ts';
import { encodeSafetensorsParts, writeFileAtomic, type TensorToWrite } from '../io/index.ts';
import { encodeMeta, OPTIMIZER_PREFIX, type CheckpointMeta } from './format.ts';

export interface CheckpointContent {
  /** Parameter values by official name, with their shapes. */
  readonly params: ReadonlyMap<string, { readonly shape: readonly number[]; readonly data: Float32Array }>;
  /** AdamW moments by state name (`m.<param>`, `v.<param>`). */
  readonly moments: ReadonlyMap<string, Float32Array>;
  readonly meta: CheckpointMeta;
}

/** How bytes reach the disk; tests pass a writer that fails midway. */
export type AtomicWriter = (path: string, data: AtomicData) => Promise<void>;

/** Saves `content` to `path` atomically. */
export async function saveCheckpoint(path: string, content: CheckpointContent, write: AtomicWriter = writeFileAtomic): Promise<void> {
  const tensors = new Map<string, TensorToWrite>();
  for (const [name, p] of content.params) tensors.set(name, { shape: p.shape, data: p.data });
  for (const [name, data] of content.moments) {
    const param = content.params.get(name.slice(2));
    tensors.set(`${OPTIMIZER_PREFIX}${name}`, { shape: param?.shape ?? [data.length], data });
  }
  await write(path, encodeSafetensorsParts(tensors, encodeMeta(content.meta), path));
}
