import { relative, sep } from 'node:path';

/** A place in a source file; line and column are 1-based, as editors show them. */
export interface Location {
  /** Absolute path. */
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

/**
 * A compiler finding as the CLI prints it: `file:line:col error CODE message`, the file
 * relative to the working directory. TypeScript's errors keep their `TS2322` codes; spec
 * rules print their `MAE0xx` codes; the CLI's own findings use `MAEC0xx`.
 */
export interface Diagnostic {
  readonly location: Location;
  readonly code: string;
  readonly message: string;
}

/** `models/bad.ts:12:5 error MAE002 encoder.heads: 5 does not divide width 768` */
export function formatDiagnostic(d: Diagnostic, cwd: string): string {
  return `${displayPath(d.location.file, cwd)}:${d.location.line}:${d.location.col} error ${d.code} ${d.message}`;
}

/** A path relative to cwd with forward slashes, or the absolute path where that is shorter. */
export function displayPath(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  const shown = rel.length < file.length ? rel : file;
  return shown.split(sep).join('/');
}
