import { readFileSync } from 'node:fs';
import * as E from 'fp-ts/lib/Either.js';
import { ts } from 'ts-morph';
import { decodeSpec } from '../../dsl/decode.ts';
import type { MaeSpec } from '../../dsl/index.ts';
import { formatProblem, pathKeys } from '../../dsl/problem.ts';
import type { Diagnostic, Location } from './location.ts';

/** A JSON spec file read: the decoded spec, or every problem located in the file. */
export type JsonSpec = { readonly ok: true; readonly spec: MaeSpec } | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

/**
 * Reads a spec written as JSON: the spec.json `maec pretrain` writes into a run (a resolved
 * spec, `kind` tags and all), or a hand-written one with only the fields that differ from the
 * defaults. It is decoded and validated by decodeSpec, and each problem is located at the key
 * its path names in the text (the deepest one present: `encoder` for a missing
 * `encoder.heads`); invalid JSON is MAEC003 at the place the parser stopped. Every command
 * that takes a spec.json reads it here.
 *
 * Example: for a file holding `{ "encoder": { "patch": 16, "width": 768, "depth": 12, "heads": 5 } }`
 * on one line, `readJsonSpec(path)` gives the diagnostic at 1:58, `MAE002 encoder.heads: 5 does not divide width 768`.
 */
export function readJsonSpec(path: string): JsonSpec {
  const text = readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    const message = (e as Error).message;
    const at = /at position (\d+)/.exec(message);
    const location = locationAt(path, text, at ? Number(at[1]) : 0);
    return { ok: false, diagnostics: [{ location, code: 'MAEC003', message: `not valid JSON: ${message}` }] };
  }
  const decoded = decodeSpec(json);
  if (E.isRight(decoded)) return { ok: true, spec: decoded.right };
  const source = ts.parseJsonText(path, text);
  const diagnostics = decoded.left.map((p) => ({ location: locationAt(path, text, keyPosition(source, pathKeys(p.path))), code: p.code, message: formatProblem(p) }));
  return { ok: false, diagnostics };
}

/**
 * Where the value at `keys` is written: the start of the last property on the way that the
 * text has (the last of duplicate keys, which is the one JSON.parse keeps), or of the whole
 * value for the spec itself.
 */
function keyPosition(source: ts.JsonSourceFile, keys: readonly string[]): number {
  let node: ts.Expression | undefined = source.statements[0]?.expression;
  let best = node ? node.getStart(source) : 0;
  for (const key of keys) {
    if (!node || !ts.isObjectLiteralExpression(node)) break;
    const property = [...node.properties].reverse().find((p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && nameOf(p.name) === key);
    if (!property) break;
    best = property.getStart(source);
    node = property.initializer;
  }
  return best;
}

function nameOf(name: ts.PropertyName): string | undefined {
  return ts.isStringLiteral(name) || ts.isIdentifier(name) || ts.isNumericLiteral(name) ? name.text : undefined;
}

function locationAt(file: string, text: string, position: number): Location {
  const before = text.slice(0, Math.min(position, text.length)).split('\n');
  return { file, line: before.length, col: (before[before.length - 1]?.length ?? 0) + 1 };
}
