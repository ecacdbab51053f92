import * as E from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts';
import type { Graph, Op } from '../ir/types.ts';
import type { GraphDiagnostic } from './diagnostic.ts';
import { graphCodec } from './graph-codec.ts';

/** Bumped whenever the IR's JSON shape changes incompatibly. */
export const IR_FORMAT = 'maec-ir/1';

// Fails tsc if the codec and the IR types drift apart (in either direction).
type Decoded = t.TypeOf<typeof graphCodec>;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const opsAgree: Same<Decoded['nodes'][number]['op'], Op> = true;
const graphFits: Decoded extends Graph ? true : false = true;
void opsAgree;
void graphFits;

/**
 * The graph as indented JSON, `{ format: 'maec-ir/1', ...graph }`: what `maec compile --out`
 * writes as `<name>.ir.json`. `parseGraph(serializeGraph(g))` is deeply equal to `g`.
 */
export function serializeGraph(graph: Graph): string {
  return `${JSON.stringify({ format: IR_FORMAT, ...graph }, null, 2)}\n`;
}

/**
 * Reads a graph written by `serializeGraph`. Structural errors come back as data
 * (`IR010 nodes.3.op: expected ...`); shapes are not re-checked here, run `checkShapes`.
 *
 * Example: `parseGraph('{}')` is a Left naming the missing `format`.
 */
export function parseGraph(text: string): E.Either<readonly GraphDiagnostic[], Graph> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return E.left([{ code: 'IR010', node: '', message: `not JSON: ${(e as Error).message}` }]);
  }
  if (typeof json !== 'object' || json === null || (json as { format?: unknown }).format !== IR_FORMAT)
    return E.left([{ code: 'IR010', node: 'format', message: `expected format ${IR_FORMAT}` }]);
  const { format: _format, ...rest } = json as Record<string, unknown>;
  const decoded = graphCodec.decode(rest);
  if (E.isLeft(decoded)) return E.left(decoded.left.slice(0, 20).map(describeError));
  return E.right(decoded.right);
}

function describeError(error: t.ValidationError): GraphDiagnostic {
  // context[0] is the root; a key under a union names the branch tried, not a field, so drop it.
  const path = error.context
    .filter((c, i) => i > 0 && (error.context[i - 1]?.type as { _tag?: string })._tag !== 'UnionType')
    .map((c) => c.key)
    .join('.');
  const expected = error.context[error.context.length - 1]?.type.name ?? 'a value';
  return { code: 'IR010', node: path, message: `expected ${expected}, got ${JSON.stringify(error.value)}` };
}
