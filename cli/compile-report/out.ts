import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface OutFile {
  /** A bare file name inside the output folder. */
  readonly name: string;
  readonly content: string;
}

/**
 * Writes every file or none: each goes to a temporary name in the same folder first (so
 * the rename stays on one file system and is atomic), and only when all are written are
 * they renamed into place. On failure the temporaries are removed and the error rethrown;
 * files already there stay as they were unless every rename succeeds.
 *
 * Example: `writeAllOrNothing('dist', [{ name: 'base.ir.json', content }])`.
 */
export function writeAllOrNothing(dir: string, files: readonly OutFile[]): void {
  mkdirSync(dir, { recursive: true });
  const temps = files.map((f) => ({ temp: join(dir, `.${f.name}.${process.pid}.tmp`), final: join(dir, f.name), content: f.content }));
  try {
    for (const t of temps) writeFileSync(t.temp, t.content, { flag: 'wx' });
    for (const t of temps) renameSync(t.temp, t.final);
  } catch (e) {
    for (const t of temps) rmSync(t.temp, { force: true });
    throw e;
  }
}

/** A name safe as a file name on every system: `grid mask=0.75` -> `grid_mask_0.75`. */
export function fileSafe(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^\.+/, '_');
}
