import { existsSync, statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import type { Node, SourceFile } from 'ts-morph';
import { analyzeGraphs, buildGraph, type Graph, type Report } from '../../compiler/index.ts';
import { decodeSpec } from '../../dsl/decode.ts';
import type { MaeSpec } from '../../dsl/index.ts';
import { formatProblem } from '../../dsl/problem.ts';
import { collectSpecs, type Found } from './collect.ts';
import { readJsonSpec } from './json-spec.ts';
import { loadModule, ModelEvaluationError } from './load.ts';
import { locate, throwLocation } from './locate.ts';
import type { Diagnostic } from './location.ts';
import { nodeLocation, type ModelChecker } from './typecheck.ts';

/** A spec that compiled: its graph (what --out writes) and the analysis. */
export interface CompiledSpec {
  readonly name: string;
  readonly exportName: string;
  readonly spec: MaeSpec;
  readonly graph: Graph;
  readonly report: Report;
}

/**
 * What compiling a model file came to: usage errors (the file is missing, or exports no
 * spec), model errors as located diagnostics, or the compiled specs.
 */
export type CompileResult =
  | { readonly kind: 'usage'; readonly message: string }
  | { readonly kind: 'errors'; readonly diagnostics: readonly Diagnostic[] }
  | { readonly kind: 'ok'; readonly specs: readonly CompiledSpec[] };

/**
 * Compiles one model file: type-check (stop on any error), evaluate, collect the exported
 * specs, decode and validate each (every problem of every spec is reported, at the place in
 * the source the value came from), then build each graph and its symmetric baseline and
 * analyse them. A `.json` file is one spec, read as every command reads a spec.json
 * (readJsonSpec), named for the file: `runs/x/spec.json` compiles as `spec`.
 *
 * Example: `await compileFile('/repo/models/mae-vit-b16.ts', checker)` is
 * `{ kind: 'ok', specs: [{ name: 'maeVitB16', report: { params: { trainable: 111655680, ... } } }] }`.
 */
export async function compileFile(path: string, checker: ModelChecker): Promise<CompileResult> {
  if (!existsSync(path) || !statSync(path).isFile()) return { kind: 'usage', message: `no such file ${path}` };
  if (extname(path) === '.json') return compileJson(path);
  const { sourceFile, diagnostics } = checker.check(path);
  if (diagnostics.length > 0) return { kind: 'errors', diagnostics };

  let exports: Readonly<Record<string, unknown>>;
  try {
    exports = await loadModule(path);
  } catch (e) {
    // At the line that threw when the stack shows one in this file; a time limit has no line.
    const thrown = e instanceof ModelEvaluationError && e.thrownStack !== undefined ? throwLocation(e.thrownStack, path) : undefined;
    const message = e instanceof ModelEvaluationError && e.timeoutMs !== undefined ? describe(e) : `evaluating the module failed: ${describe(e)}`;
    return { kind: 'errors', diagnostics: [{ location: { file: path, line: thrown?.line ?? 1, col: thrown?.col ?? 1 }, code: 'MAEC001', message }] };
  }

  const found = exportedSpecs(sourceFile, exports);
  if (found.length === 0)
    return { kind: 'usage', message: `${path} exports no MAE spec; export a mae(...) value, an array or record of them, or a grid(...) list` };

  const problems: Diagnostic[] = [];
  const specs: CompiledSpec[] = [];
  for (const { found: f, declaration } of found) {
    const at = (path: string) => nodeLocation(locate(declaration, f.access, path));
    // decodeSpec checks the structure (MAE000) and runs validateSpec (MAE001-MAE011) on it,
    // so no spec too large to build reaches buildGraph.
    const decoded = decodeSpec(f.value);
    const specProblems = E.isLeft(decoded) ? decoded.left : [];
    // An export holding several specs names the one at fault: `(in sweep[1])`.
    const which = f.name === f.exportName ? '' : ` (in ${f.name})`;
    for (const p of specProblems) problems.push({ location: at(p.path), code: p.code, message: `${formatProblem(p)}${which}` });
    if (E.isLeft(decoded)) continue;
    const built = buildSpec(f.name, f.exportName, decoded.right);
    if ('message' in built) problems.push({ location: at(''), code: 'MAEC002', message: `${built.message}${which}` });
    else specs.push(built);
  }
  if (problems.length > 0) return { kind: 'errors', diagnostics: problems };
  return { kind: 'ok', specs: uniqueNames(specs) };
}

/** A JSON spec file: decoded and located by readJsonSpec, then built like an exported spec. */
function compileJson(path: string): CompileResult {
  const read = readJsonSpec(path);
  if (!read.ok) return { kind: 'errors', diagnostics: read.diagnostics };
  const name = basename(path, '.json');
  const built = buildSpec(name, name, read.spec);
  if ('message' in built) return { kind: 'errors', diagnostics: [{ location: { file: path, line: 1, col: 1 }, code: 'MAEC002', message: built.message }] };
  return { kind: 'ok', specs: [built] };
}

/** The graph, its symmetric baseline and their analysis, for a spec decodeSpec accepted. */
function buildSpec(name: string, exportName: string, spec: MaeSpec): CompiledSpec | { readonly message: string } {
  try {
    const graph = buildGraph(spec);
    const symmetric = graph.kind === 'symmetric' ? graph : buildGraph(spec, 'symmetric');
    return { name, exportName, spec, graph, report: analyzeGraphs(graph, symmetric) };
  } catch (e) {
    // A spec the rules accept must build; if it does not, say so rather than crash.
    return { message: `the IR builder rejected the spec: ${describe(e)}` };
  }
}

/** Every spec among the exports, with the declaration each came from, in source order. */
function exportedSpecs(sourceFile: SourceFile, exports: Readonly<Record<string, unknown>>): { found: Found; declaration: Node }[] {
  const result: { found: Found; declaration: Node; position: number }[] = [];
  for (const [name, declarations] of sourceFile.getExportedDeclarations()) {
    const declaration = declarations[0];
    if (!declaration || !(name in exports)) continue;
    const position = declaration.getSourceFile() === sourceFile ? declaration.getStart() : -1;
    for (const found of collectSpecs(name, exports[name])) result.push({ found, declaration, position });
  }
  return result.sort((a, b) => a.position - b.position);
}

/** Two specs of one file never share a name (they would share --out files): `x`, `x#2`. */
function uniqueNames(specs: readonly CompiledSpec[]): CompiledSpec[] {
  const seen = new Map<string, number>();
  return specs.map((s) => {
    const n = (seen.get(s.name) ?? 0) + 1;
    seen.set(s.name, n);
    return n === 1 ? s : { ...s, name: `${s.name}#${n}` };
  });
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
