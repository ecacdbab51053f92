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
import { encodePosition, metaFields } from './fields.ts';

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
    ...encodePosition(m.position),
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
  const f = metaFields(raw, file, 'pretraining');
  if (f.get('format') !== CHECKPOINT_FORMAT) throw new Error(`${file}: expected checkpoint format ${CHECKPOINT_FORMAT}, found ${raw['format']}`);
  return {
    position: f.position(),
    rng: f.rng('rng'),
    spec: f.json('spec'),
    data: f.get('data'),
    stats: f.json('stats') as ChannelStats,
    hyper: f.json('hyper') as PretrainHyper,
    backend: f.get('backend'),
  };
}
