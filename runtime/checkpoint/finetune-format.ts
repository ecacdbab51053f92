/**
 * What a fine-tuning checkpoint holds besides tensors (format `maec-finetune/2`): the position
 * to continue from, the drop-path generator, the loss summed so far in the epoch, and the
 * settings the run was started with, which a resume must repeat.
 *
 * Tensors: as a pretraining checkpoint, every classifier parameter under its official name and
 * the AdamW moments as `optimizer.m.<name>` / `optimizer.v.<name>`.
 */
import type { RngState } from '../rng.ts';
import { encodePosition, metaFields } from './fields.ts';
import type { Position } from './format.ts';

export const FINETUNE_FORMAT = 'maec-finetune/2';
/** The epoch-granular format of earlier versions; it lacks what a mid-epoch resume needs. */
const OLD_FINETUNE_FORMAT = 'maec-finetune/1';

export interface FinetuneMeta {
  readonly position: Position;
  /** The drop-path generator's state: the next step draws from here. */
  readonly rng: RngState;
  /** Training losses of the epoch in progress, summed (its mean is logged at the epoch's end). */
  readonly epochLossSum: number;
  /** Mode, source, data, spec, recipe...: plain JSON data, compared key by key on resume. */
  readonly settings: Readonly<Record<string, unknown>>;
  readonly backend: string;
}

export function encodeFinetuneMeta(m: FinetuneMeta): Record<string, string> {
  return {
    format: FINETUNE_FORMAT,
    ...encodePosition(m.position),
    rng: JSON.stringify(m.rng),
    epoch_loss_sum: String(m.epochLossSum),
    settings: JSON.stringify(m.settings),
    backend: m.backend,
  };
}

/** Reads the metadata back; throws naming the file and the first missing or malformed key. */
export function decodeFinetuneMeta(raw: Readonly<Record<string, string>>, file: string): FinetuneMeta {
  const f = metaFields(raw, file, 'fine-tuning');
  const format = f.get('format');
  if (format === OLD_FINETUNE_FORMAT)
    throw new Error(`${file}: a ${OLD_FINETUNE_FORMAT} checkpoint from an earlier maec, which cannot be resumed exactly; start the run again in another --out (or remove this folder)`);
  if (format !== FINETUNE_FORMAT) throw new Error(`${file}: expected checkpoint format ${FINETUNE_FORMAT}, found ${format}`);
  const settings = f.json('settings');
  if (typeof settings !== 'object' || settings === null || Array.isArray(settings)) throw new Error(`${file}: metadata "settings" must be a JSON object`);
  return { position: f.position(), rng: f.rng('rng'), epochLossSum: f.number('epoch_loss_sum'), settings: settings as Record<string, unknown>, backend: f.get('backend') };
}
