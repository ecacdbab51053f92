import { resolve } from 'node:path';
import { serializeGraph } from '../../compiler/index.ts';
import { describeFlags } from '../args.ts';
import { commandArgs, usageError } from '../prologue.ts';
import type { Command } from '../command.ts';
import { fileSafe, writeAllOrNothing, type OutFile } from '../compile-report/out.ts';
import type { CompiledSpec } from '../model-file/pipeline.ts';
import { displayPath, formatDiagnostic, type Diagnostic } from '../model-file/location.ts';
import { summaryTable } from '../compile-report/summary.ts';
import type { ModelChecker } from '../model-file/typecheck.ts';
import { EXIT, type ExitCode } from '../exit.ts';
import type { Io } from '../io.ts';

const FLAGS = {
  json: { kind: 'boolean', help: 'print the result as JSON on stdout instead of the table' },
  out: { kind: 'string', value: 'DIR', help: 'write <name>.ir.json and <name>.report.json per spec into DIR (all or nothing)' },
} as const;

const HELP = `usage: maec compile <file.ts | spec.json> [--json] [--out DIR]

Type-checks a model file, evaluates it, and compiles every MAE spec it exports (a mae(...)
value, arrays or records of them, or the { name, spec } list of grid(...)). A .json file is
one spec, as the other commands read it (the spec.json of a pretraining run, say). Each spec
is validated, lowered to maec's IR, and measured: parameters, FLOPs per image, activation
memory, and the FLOP speedup over the symmetric baseline (mask tokens in the encoder).

Errors print as file:line:col error CODE message: TypeScript's (TS2322, including the
type-level shape checks) and the spec rules' (MAE0xx), at the place the value was written.

flags:
${describeFlags(FLAGS)}

exit status: 0 compiled, 1 the model has errors, 2 usage error (missing file, unknown flag,
no spec exported).

examples:
  maec compile models/mae-vit-b16.ts
  maec compile models/ablation-grid.ts --json
  maec compile models/cifar-small.ts --out build/cifar
  maec compile runs/mnist-tiny/spec.json
`;

/** Shared across calls in one process: the compiler's libraries are parsed once. */
let checker: ModelChecker | undefined;

/** `maec compile`: see HELP. */
export const compileCommand: Command = {
  name: 'compile',
  summary: 'type-check, validate and analyse the MAE specs a model file exports',
  help: HELP,
  async run(argv, io) {
    const args = commandArgs(argv, FLAGS, io, compileCommand);
    if (typeof args === 'number') return args;
    if (args.positionals.length !== 1) return usage(io, args.positionals.length === 0 ? 'missing <file.ts | spec.json>' : `expected one file, got ${args.positionals.length}`);
    const path = resolve(io.cwd, args.positionals[0]!);
    // Loaded here, not at startup: ts-morph and the compiler cost a second that `maec --help`
    // and the other commands should not pay.
    const { compileFile } = await import('../model-file/pipeline.ts');
    checker ??= new (await import('../model-file/typecheck.ts')).ModelChecker();
    const result = await compileFile(path, checker);
    const shown = displayPath(path, io.cwd);
    if (result.kind === 'usage') return usage(io, result.message.replace(path, shown));
    if (result.kind === 'errors') return reportErrors(io, shown, result.diagnostics, args.flags.json === true);
    if (args.flags.out !== undefined) {
      const dir = resolve(io.cwd, args.flags.out);
      try {
        writeAllOrNothing(dir, outFiles(result.specs));
      } catch (e) {
        io.err(`maec compile: cannot write to ${displayPath(dir, io.cwd)}: ${(e as Error).message}\n`);
        return EXIT.usage;
      }
    }
    if (args.flags.json) io.out(`${JSON.stringify({ file: shown, ok: true, specs: result.specs.map(toJson), diagnostics: [] }, null, 2)}\n`);
    else io.out(summaryTable(result.specs));
    return EXIT.ok;
  },
};

const usage = (io: Io, message: string): ExitCode => usageError(io, 'compile', message);

function reportErrors(io: Io, file: string, diagnostics: readonly Diagnostic[], json: boolean): ExitCode {
  if (json) {
    const list = diagnostics.map((d) => ({ file: displayPath(d.location.file, io.cwd), line: d.location.line, col: d.location.col, code: d.code, message: d.message }));
    io.out(`${JSON.stringify({ file, ok: false, specs: [], diagnostics: list }, null, 2)}\n`);
  } else {
    for (const d of diagnostics) io.err(`${formatDiagnostic(d, io.cwd)}\n`);
    io.err(`${diagnostics.length} error${diagnostics.length === 1 ? '' : 's'} in ${file}\n`);
  }
  return EXIT.modelError;
}

function toJson(s: CompiledSpec) {
  return { name: s.name, export: s.exportName, spec: s.spec, report: s.report };
}

function outFiles(specs: readonly CompiledSpec[]): OutFile[] {
  return specs.flatMap((s) => [
    { name: `${fileSafe(s.name)}.ir.json`, content: serializeGraph(s.graph) },
    { name: `${fileSafe(s.name)}.report.json`, content: `${JSON.stringify(toJson(s), null, 2)}\n` },
  ]);
}
