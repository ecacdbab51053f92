import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tsImport } from 'tsx/esm/api';
import { isInsideMaec, MAEC_ENTRY } from './typecheck.ts';

/**
 * Evaluates a model file and returns its exports by name. A fresh evaluation each call
 * (tsx namespaces every import), so a test can load a file twice.
 *
 * A file outside this installation has no way to find the `maec` package, so it is
 * evaluated with a temporary tsconfig whose `paths` map `maec` to this installation; tsx
 * reads that for ES modules from the `tsconfig` option and for CommonJS ones (a .ts file
 * with no `"type": "module"` above it) from TSX_TSCONFIG_PATH.
 */
export async function loadModule(path: string): Promise<Readonly<Record<string, unknown>>> {
  if (isInsideMaec(path)) return exportsOf(await tsImport(path, { parentURL: import.meta.url }));
  const dir = mkdtempSync(join(tmpdir(), 'maec-'));
  const tsconfig = join(dir, 'tsconfig.json');
  writeFileSync(tsconfig, JSON.stringify({ compilerOptions: { allowImportingTsExtensions: true, paths: { maec: [MAEC_ENTRY] } } }));
  const previous = process.env['TSX_TSCONFIG_PATH'];
  process.env['TSX_TSCONFIG_PATH'] = tsconfig;
  try {
    return exportsOf(await tsImport(path, { parentURL: import.meta.url, tsconfig }));
  } finally {
    if (previous === undefined) delete process.env['TSX_TSCONFIG_PATH'];
    else process.env['TSX_TSCONFIG_PATH'] = previous;
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A CommonJS module's namespace wraps its exports object in `default`; unwrap it. */
function exportsOf(namespace: Record<string, unknown>): Readonly<Record<string, unknown>> {
  const inner = namespace['default'];
  if (inner !== null && typeof inner === 'object' && (inner as { __esModule?: unknown }).__esModule === true)
    return inner as Record<string, unknown>;
  return namespace;
}
