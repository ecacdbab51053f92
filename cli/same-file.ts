import { realpathSync } from 'node:fs';

/**
 * Whether two absolute paths name one file: the same path, or links to the same file. A
 * command checks its output path against the files it reads, so it never writes over them.
 *
 * @example sameFile('/w/a.safetensors', '/w/a.safetensors') // true
 */
export function sameFile(a: string, b: string): boolean {
  if (a === b) return true;
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false; // one of them does not exist, so writing it harms nothing
  }
}
