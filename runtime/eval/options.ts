import { basename, dirname, join } from 'node:path';

/**
 * Numeric command-line values of the evaluation commands: the number, or a message saying
 * what was expected and what was found. Undefined gives the default.
 *
 * @example intFlag('3', 'epochs', 10, 1) // 3;  intFlag('x', 'epochs', 10, 1) // '--epochs must be an integer >= 1, got x'
 */
export function intFlag(value: string | undefined, name: string, fallback: number, min: number): number | string {
  if (value === undefined) return fallback;
  const n = Number(value);
  return Number.isInteger(n) && n >= min ? n : `--${name} must be an integer >= ${min}, got ${value}`;
}

/** A non-negative finite number. */
export function numberFlag(value: string | undefined, name: string, fallback: number): number | string {
  if (value === undefined) return fallback;
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 && value.trim() !== '' ? n : `--${name} must be a non-negative number, got ${value}`;
}

/** Default results folder: `<run dir>/<mode>` for `<run dir>/checkpoint.safetensors`, else `<file stem>-<mode>`. */
export function outDirFor(checkpoint: string, mode: string): string {
  const dir = dirname(checkpoint);
  return basename(checkpoint) === 'checkpoint.safetensors' ? join(dir, mode) : join(dir, `${basename(checkpoint).replace(/\.safetensors$/, '')}-${mode}`);
}
