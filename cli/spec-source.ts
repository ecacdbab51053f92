import { existsSync } from 'node:fs';
import { extname } from 'node:path';
import type { MaeSpec } from '../dsl/index.ts';
import { readJsonSpec } from './model-file/json-spec.ts';
import { compileFile } from './model-file/pipeline.ts';
import { displayPath, formatDiagnostic } from './model-file/location.ts';
import { ModelChecker } from './model-file/typecheck.ts';
import { EXIT, type ExitCode } from './exit.ts';

export type SpecSource =
  | { readonly ok: true; readonly name: string; readonly spec: MaeSpec }
  | { readonly ok: false; readonly code: ExitCode; readonly message: string };

let checker: ModelChecker | undefined;

/**
 * The spec a command runs, from a model file (type-checked, validated; `exportName` picks one
 * when it exports several) or a JSON spec (readJsonSpec, as `maec compile` reads it: decoded,
 * validated, each problem at `file:line:col`). Errors come back as the
 * text to print and the exit code: 2 for a missing file or an ambiguous choice, 1 for a
 * model with errors.
 *
 * Example: `await loadSpec('/repo/models/mnist-tiny.ts', '/repo')` is
 * `{ ok: true, name: 'mnistTiny', spec: {...} }`.
 */
export async function loadSpec(path: string, cwd: string, exportName?: string): Promise<SpecSource> {
  const shown = displayPath(path, cwd);
  if (!existsSync(path)) return { ok: false, code: EXIT.usage, message: `no such file ${shown}` };
  if (extname(path) === '.json') return fromJson(path, shown, cwd);
  checker ??= new ModelChecker();
  const result = await compileFile(path, checker);
  if (result.kind === 'usage') return { ok: false, code: EXIT.usage, message: result.message.replace(path, shown) };
  if (result.kind === 'errors')
    return { ok: false, code: EXIT.modelError, message: result.diagnostics.map((d) => formatDiagnostic(d, cwd)).join('\n') };
  const names = result.specs.map((s) => s.name);
  const chosen = exportName === undefined ? (result.specs.length === 1 ? result.specs[0] : undefined) : result.specs.find((s) => s.name === exportName || s.exportName === exportName);
  if (!chosen) {
    const why = exportName === undefined ? `${shown} exports ${names.length} specs; pick one with --export NAME` : `${shown} exports no spec named ${exportName}`;
    return { ok: false, code: EXIT.usage, message: `${why} (${names.join(', ')})` };
  }
  return { ok: true, name: chosen.name, spec: chosen.spec };
}

function fromJson(path: string, shown: string, cwd: string): SpecSource {
  const read = readJsonSpec(path);
  if (!read.ok) return { ok: false, code: EXIT.modelError, message: read.diagnostics.map((d) => formatDiagnostic(d, cwd)).join('\n') };
  return { ok: true, name: shown.replace(/\.json$/, ''), spec: read.spec };
}
