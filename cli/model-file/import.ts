import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tsImport } from 'tsx/esm/api';

/**
 * Evaluates a model file in this thread and returns its exports by name. A fresh evaluation
 * each call (tsx namespaces every import), so a test can load a file twice. Runs inside the
 * evaluation worker (load.ts), which keeps it apart from the CLI and stops it on a time limit.
 *
 * A file outside this installation has no way to find the `maec` package, so it is evaluated
 * with a temporary tsconfig whose `paths` map `maec` to `maecEntry`; tsx reads that for ES
 * modules from the `tsconfig` option and for CommonJS ones (a .ts file with no
 * `"type": "module"` above it) from TSX_TSCONFIG_PATH. `maecEntry` null: the file is inside
 * this installation and resolves `maec` itself.
 */
export async function importModule(path: string, maecEntry: string | null): Promise<Readonly<Record<string, unknown>>> {
  if (maecEntry === null) return exportsOf(await tsImport(path, { parentURL: import.meta.url }));
  const dir = mkdtempSync(join(tmpdir(), 'maec-'));
  const tsconfig = join(dir, 'tsconfig.json');
  writeFileSync(tsconfig, JSON.stringify({ compilerOptions: { allowImportingTsExtensions: true, paths: { maec: [maecEntry] } } }));
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

/**
 * A copy of `value` that can cross to another thread (structured clone): functions and symbols
 * become undefined, any object its own enumerable properties, a getter that throws undefined.
 * Specs are plain data, so nothing a spec holds is lost; shared and cyclic references stay so.
 *
 * @example cloneable({ kind: 'mae', build: () => 1 }) // { kind: 'mae', build: undefined }
 */
export function cloneable(value: unknown, seen = new Map<object, unknown>()): unknown {
  if (typeof value === 'function' || typeof value === 'symbol') return undefined;
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return seen.get(value);
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    seen.set(value, out);
    for (const item of value) out.push(cloneable(item, seen));
    return out;
  }
  const out: Record<string, unknown> = {};
  seen.set(value, out);
  for (const key of Object.keys(value)) {
    let item: unknown;
    try {
      item = (value as Record<string, unknown>)[key];
    } catch {
      item = undefined;
    }
    out[key] = cloneable(item, seen);
  }
  return out;
}
