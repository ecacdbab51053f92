/**
 * Reading the string metadata of a checkpoint (safetensors `__metadata__` holds strings only).
 * Every failure names the file and the key, and says what kind of checkpoint was expected.
 */
import type { RngState } from '../rng.ts';
import type { Position } from './format.ts';

export interface MetaFields {
  /** The raw string; throws when the key is absent. */
  get(key: string): string;
  /** A non-negative integer. */
  int(key: string): number;
  /** A finite number. */
  number(key: string): number;
  json(key: string): unknown;
  /** A generator state: four integers. */
  rng(key: string): RngState;
  /** `step`, `epoch`, `batch_in_epoch`. */
  position(): Position;
}

/**
 * Typed readers over `raw`; `kind` completes "not a maec ... checkpoint" in the message for a
 * missing key.
 *
 * @example metaFields({ step: '3' }, 'ckpt.safetensors', 'pretraining').int('step') // 3
 */
export function metaFields(raw: Readonly<Record<string, string>>, file: string, kind: string): MetaFields {
  const get = (key: string): string => {
    const v = raw[key];
    if (v === undefined) throw new Error(`${file}: not a maec ${kind} checkpoint (metadata lacks "${key}")`);
    return v;
  };
  const number = (key: string): number => {
    const n = Number(get(key));
    if (!Number.isFinite(n) || get(key).trim() === '') throw new Error(`${file}: metadata "${key}" must be a number, found ${get(key)}`);
    return n;
  };
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
  const rng = (key: string): RngState => {
    const words = json(key);
    if (!Array.isArray(words) || words.length !== 4 || !words.every((w) => Number.isInteger(w))) throw new Error(`${file}: metadata "${key}" must be four integers`);
    return words as unknown as RngState;
  };
  const position = (): Position => ({ step: int('step'), epoch: int('epoch'), batchInEpoch: int('batch_in_epoch') });
  return { get, int, number, json, rng, position };
}

/** The metadata entries of a position. */
export function encodePosition(p: Position): Record<string, string> {
  return { step: String(p.step), epoch: String(p.epoch), batch_in_epoch: String(p.batchInEpoch) };
}
