/** Reading a checkpoint back: parameters (checked against the model), moments and metadata. */
import type { Param } from '../../compiler/ir/types.ts';
import { loadSafetensors, toFloat32, type SafetensorsFile } from '../io/index.ts';
import { loadWeights } from '../weights/index.ts';
import { decodeMeta, OPTIMIZER_PREFIX, type CheckpointMeta } from './format.ts';

export interface LoadedCheckpoint {
  readonly path: string;
  readonly meta: CheckpointMeta;
  readonly file: SafetensorsFile;
  /** AdamW moments by state name (`m.<param>`). */
  readonly moments: ReadonlyMap<string, Float32Array>;
}

/** Reads a checkpoint file; throws with the file named when it is missing or malformed. */
export async function readCheckpoint(path: string): Promise<LoadedCheckpoint> {
  const file = await loadSafetensors(path);
  const meta = decodeMeta(file.metadata, path);
  const moments = new Map<string, Float32Array>();
  for (const [name, t] of file.tensors) if (name.startsWith(OPTIMIZER_PREFIX)) moments.set(name.slice(OPTIMIZER_PREFIX.length), toFloat32(t, path));
  return { path, meta, file, moments };
}

/**
 * The checkpoint's parameters checked against the model's list (every shape; a missing or extra
 * tensor is a WeightsError); the fixed position tables come from `fallback` when absent.
 */
export function checkedParams(ckpt: LoadedCheckpoint, params: readonly Param[], fallback: ReadonlyMap<string, Float32Array>): Map<string, Float32Array> {
  const tensors = new Map([...ckpt.file.tensors].filter(([name]) => !name.startsWith(OPTIMIZER_PREFIX)));
  const loaded = loadWeights(tensors, params.map((p) => ({ name: p.name, shape: p.shape })), { source: ckpt.path });
  return new Map(params.map((p) => [p.name, loaded.get(p.name) ?? fallback.get(p.name)!]));
}
