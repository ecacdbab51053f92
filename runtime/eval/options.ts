import { basename, dirname, join } from 'node:path';

/** Default results folder: `<run dir>/<mode>` for `<run dir>/checkpoint.safetensors`, else `<file stem>-<mode>`. */
export function outDirFor(checkpoint: string, mode: string): string {
  const dir = dirname(checkpoint);
  return basename(checkpoint) === 'checkpoint.safetensors' ? join(dir, mode) : join(dir, `${basename(checkpoint).replace(/\.safetensors$/, '')}-${mode}`);
}
