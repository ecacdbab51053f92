import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Node, Project, ts, type SourceFile } from 'ts-morph';
import type { Diagnostic, Location } from './location.ts';

/** The root of this maec installation (the folder holding package.json). */
export const MAEC_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Where `import ... from 'maec'` must lead, wherever the model file lives. */
export const MAEC_ENTRY = join(MAEC_ROOT, 'dsl', 'index.ts');

/** Whether a file is part of this installation's library or a dependency, not user code. */
export function isLibraryFile(path: string): boolean {
  return (
    path.includes('/node_modules/') ||
    ['dsl', 'compiler', 'runtime'].some((dir) => path.startsWith(join(MAEC_ROOT, dir) + '/'))
  );
}

export function isInsideMaec(path: string): boolean {
  return path.startsWith(MAEC_ROOT + '/');
}

/**
 * Type-checks model files with the repo's tsconfig settings. One ts-morph Project is kept per
 * kind of file and reused, so the standard library and the DSL are parsed once per process.
 *
 * Files inside the repo resolve `maec` by package self-reference, exactly as `tsc -p .` does.
 * A file elsewhere has no package.json saying it is an ES module, so it is checked with
 * bundler resolution and a `paths` entry mapping `maec` to this installation.
 */
export class ModelChecker {
  private readonly projects = new Map<'repo' | 'outside', Project>();

  /**
   * Every error of the file and of the user files it imports (not of maec itself or of
   * node_modules), in file order, each message chain flattened to one line.
   */
  check(path: string): { readonly sourceFile: SourceFile; readonly diagnostics: readonly Diagnostic[] } {
    const project = this.project(isInsideMaec(path) ? 'repo' : 'outside');
    const existing = project.getSourceFile(path);
    if (existing) existing.refreshFromFileSystemSync();
    const sourceFile = existing ?? project.addSourceFileAtPath(path);
    project.resolveSourceFileDependencies();
    const program = project.getProgram().compilerObject;
    const diagnostics: Diagnostic[] = program.getGlobalDiagnostics().flatMap((d) => toDiagnostic(d, path));
    for (const file of userFiles(sourceFile)) {
      const tsFile = program.getSourceFile(file.getFilePath());
      if (!tsFile) continue;
      for (const d of [...program.getSyntacticDiagnostics(tsFile), ...program.getSemanticDiagnostics(tsFile)]) diagnostics.push(...toDiagnostic(d, path));
    }
    return { sourceFile, diagnostics };
  }

  private project(kind: 'repo' | 'outside'): Project {
    let project = this.projects.get(kind);
    if (!project) {
      const outside: ts.CompilerOptions = { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler };
      project = new Project({
        tsConfigFilePath: join(MAEC_ROOT, 'tsconfig.json'),
        skipAddingFilesFromTsConfig: true,
        compilerOptions: { ...(kind === 'outside' ? outside : {}), paths: { maec: [MAEC_ENTRY] } },
      });
      this.projects.set(kind, project);
    }
    return project;
  }
}

/** The file and every user file it imports, transitively. */
function userFiles(entry: SourceFile): SourceFile[] {
  const seen = new Set<SourceFile>();
  const stack = [entry];
  while (stack.length > 0) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const next of file.getReferencedSourceFiles()) if (!isLibraryFile(next.getFilePath())) stack.push(next);
  }
  return [...seen];
}

function toDiagnostic(d: ts.Diagnostic, fallbackFile: string): Diagnostic[] {
  if (d.category !== ts.DiagnosticCategory.Error) return [];
  const message = ts
    .flattenDiagnosticMessageText(d.messageText, '\n')
    .split('\n')
    .map((line) => line.trim())
    .join(' ');
  let location: Location = { file: fallbackFile, line: 1, col: 1 };
  if (d.file && d.start !== undefined) {
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
    location = { file: d.file.fileName, line: line + 1, col: character + 1 };
  }
  return [{ location, code: `TS${d.code}`, message }];
}

/** The 1-based line and column of a node's first character (after its leading trivia). */
export function nodeLocation(node: Node): Location {
  const sf = node.getSourceFile();
  const { line, column } = sf.getLineAndColumnAtPos(node.getStart());
  return { file: sf.getFilePath(), line, col: column };
}
