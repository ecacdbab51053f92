// Type-checks TypeScript snippets in memory against the real dsl/ sources and tsconfig, so tests
// can pin the exact wording of type-level errors. One Project is shared; each snippet is a new
// in-memory file next to this one (never written to disk), importing '../../dsl/index.ts'.
import { fileURLToPath } from 'node:url';
import { type DiagnosticMessageChain, Project, ts } from 'ts-morph';

export interface SnippetDiagnostic {
  /** 1-based line in the snippet. */
  readonly line: number;
  /** The innermost message of the chain: what the editor shows at the offending property. */
  readonly message: string;
  /** The whole chain, flattened. */
  readonly full: string;
}

const root = fileURLToPath(new URL('../../', import.meta.url));
let project: Project | undefined;
let counter = 0;

function shared(): Project {
  project ??= new Project({ tsConfigFilePath: `${root}tsconfig.json`, skipAddingFilesFromTsConfig: true });
  return project;
}

/** The diagnostics of one snippet. Example: `typecheck("import { vitB } from '../../dsl/index.ts';")` is `[]`. */
export function typecheck(source: string): readonly SnippetDiagnostic[] {
  const p = shared();
  const file = p.createSourceFile(`${root}tests/dsl/__snippet_${counter++}.ts`, source, { overwrite: true });
  try {
    return file.getPreEmitDiagnostics().map((d) => {
      const text = d.getMessageText();
      const full = typeof text === 'string' ? text : ts.flattenDiagnosticMessageText(text.compilerObject, '\n');
      return { line: d.getLineNumber() ?? 0, message: innermost(text), full };
    });
  } finally {
    p.removeSourceFile(file);
  }
}

function innermost(text: string | DiagnosticMessageChain): string {
  if (typeof text === 'string') return text;
  let chain = text;
  for (let next = chain.getNext(); next !== undefined && next.length > 0; next = chain.getNext()) chain = next[0]!;
  return chain.getMessageText();
}
