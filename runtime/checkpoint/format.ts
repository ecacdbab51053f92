/**
 * What a pretraining checkpoint holds besides tensors, and how it is spelled in the
 * safetensors `__metadata__` (string values only): everything needed to continue the run
 * exactly, or to rebuild the model without the model file.
 *
 * Tensors: every parameter under its official name, and the AdamW moments as
 * `optimizer.m.<name>` / `optimizer.v.<name>`.
 */
import type { ChannelStats } from '../data/index.ts';
import type { RngState } from '../rng.ts';
import type { PretrainHyper } from '../train/hyper.ts';

export const CHECKPOINT_FORMAT = 'maec-pretrain/1';
export const OPTIMIZER_PREFIX = 'optimizer.';

/** Where the run stands: the next optimizer step continues from here. */
export interface Position {
  /** Optimizer steps taken. */
  readonly step: number;
  /** The epoch in progress (0-based). */
  readonly epoch: number;
  /** Micro-batches of that epoch already consumed (the data loader skips them on resume). */
  readonly batchInEpoch: number;
}

export interface CheckpointMeta {
  readonly position: Position;
  /** The masking-noise generator's state. */
  readonly rng: RngState;
  /** The spec as plain data (decodeSpec reads it back). */
  readonly spec: unknown;
  readonly data: string;
  readonly stats: ChannelStats;
  readonly hyper: PretrainHyper;
  readonly backend: string;
}

export function encodeMeta(m: CheckpointMeta): Record<string, string> {
  return {
    format: CHECKPOINT_FORMAT,
    step: String(m.position.step),
    epoch: String(m.position.epoch),
    batch_in_epoch: String(m.position.batchInEpoch),
    rng: JSON.stringify(m.rng),
    spec: JSON.stringify(m.spec),
    data: m.data,
    stats: JSON.stringify(m.stats),
    hyper: JSON.stringify(m.hyper),
    backend: m.backend,
  };
}

/** Reads the metadata back; throws naming the first missing or malformed key. */
export function decodeMeta(raw: Readonly<Record<string, string>>, file: string): CheckpointMeta {
  const get = (key: string): string => {
    const v = raw[key];
    if (v === undefined) throw new Error(`${file}: not a maec pretraining checkpoint (metadata lacks "${key}")`);
    return v;
  };
  if (get('format') !== CHECKPOINT_FORMAT) throw new Error(`${file}: expected checkpoint format ${CHECKPOINT_FORMAT}, found ${raw['format']}`);
  const int = (key: string): number => {
    const n = Number(get(key));
    if (!Number.isInteger(n) || n < 0) throw new Error(`${file}: metadata "${key}" must be a non-negative integer, found ${get(key)}`);
    return n;
  };
  const json = (key: string): unknown => {
    try {
      return JSON.parse(get(key));
    } catch {
      throw new Error(`${file}: metadata "${key}" is not valid JSON`);
    }
  };
  const rng = json('rng');
  if (!Array.isArray(rng) || rng.length !== 4 || !rng.every((w) => Number.isInteger(w))) throw new Error(`${file}: metadata "rng" must be four integers`);
  return {
    position: { step: int('step'), epoch: int('epoch'), batchInEpoch: int('batch_in_epoch') },
    rng: rng as unknown as RngState,
    spec: json('spec'),
    data: get('data'),
    stats: json('stats') as ChannelStats,
    hyper: json('hyper') as PretrainHyper,
    backend: get('backend'),
  };
}
