import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Node } from 'ts-morph';
import { pathKeys } from '../../dsl/problem.ts';
import { isLibraryFile } from './typecheck.ts';

/**
 * The source node a spec problem is best reported at. Starting from the export's
 * declaration, follows `access` (array elements, record entries) and then the problem's
 * field path (`encoder.heads`) through object literals, the option objects of calls such as
 * `mae({...})`, `vit({...})` and `variant(base, {...})`, and local constants; it stops where
 * the value stops being written out literally and returns the last property it reached.
 *
 * Example: for `export const m = mae({ encoder: vit({ patch: 16, width: 768, depth: 12, heads }) })`
 * and path `encoder.heads`, the node is the shorthand `heads`; for `encoder: vitB` it is
 * the `encoder` property; for an empty path, the export's name.
 */
export function locate(declaration: Node, access: readonly (string | number)[], path: string): Node {
  let best: Node = nameOf(declaration);
  let current: Node | undefined = valueOf(declaration);
  for (const step of access) {
    current = current && (typeof step === 'number' ? element(current, step) : property(current, step));
    if (!current) return best;
    best = current;
    current = valueOf(current);
  }
  for (const key of pathKeys(path)) {
    const found: Node | undefined = current && property(current, key);
    if (!found) break;
    best = found;
    current = valueOf(found);
  }
  return best;
}

function nameOf(node: Node): Node {
  return (Node.hasName(node) && node.getNameNode()) || node;
}

/** The expression a declaration or property stands for. */
function valueOf(node: Node): Node | undefined {
  if (Node.isVariableDeclaration(node) || Node.isPropertyAssignment(node)) return node.getInitializer();
  if (Node.isExportAssignment(node)) return node.getExpression();
  if (Node.isShorthandPropertyAssignment(node)) return follow(node.getNameNode());
  if (Node.isExpression(node)) return node;
  return undefined;
}

/** Strips parentheses and type assertions, and reads a local constant's initializer. */
function unwrap(node: Node): Node | undefined {
  if (Node.isParenthesizedExpression(node) || Node.isAsExpression(node) || Node.isSatisfiesExpression(node) || Node.isNonNullExpression(node))
    return unwrap(node.getExpression());
  if (Node.isIdentifier(node)) return follow(node);
  return node;
}

/** A local constant's initializer; not into maec's own sources, whose values the user did not write. */
function follow(identifier: Node): Node | undefined {
  const declaration = identifier.getSymbol()?.getAliasedSymbol()?.getDeclarations()[0] ?? identifier.getSymbol()?.getDeclarations()[0];
  if (!declaration || !Node.isVariableDeclaration(declaration)) return undefined;
  if (isLibraryFile(declaration.getSourceFile().getFilePath())) return undefined;
  const init = declaration.getInitializer();
  return init && unwrap(init);
}

function element(node: Node, index: number): Node | undefined {
  const value = unwrap(node);
  return value && Node.isArrayLiteralExpression(value) ? value.getElements()[index] : undefined;
}

/** The property `key` of an object literal, or of the option objects of a call (the last one that has it). */
function property(node: Node, key: string): Node | undefined {
  const value = unwrap(node);
  if (!value) return undefined;
  if (Node.isObjectLiteralExpression(value)) return value.getProperty(key);
  if (Node.isCallExpression(value))
    for (const arg of [...value.getArguments()].reverse()) {
      const found = property(arg, key);
      if (found) return found;
    }
  return undefined;
}

/**
 * Where in `file` an error was thrown, from its stack: the first frame in that file (the throw
 * itself, or the file's call into the library that threw), or undefined when no frame is in it.
 * Frames read `at f (/abs/model.ts:5:9)`, `at /abs/model.ts:5:9` or with a `file://` URL and a
 * `?query` tsx adds.
 *
 * @example throwLocation('Error: x\n    at f (/m/model.ts:5:9)', '/m/model.ts') // { line: 5, col: 9 }
 */
export function throwLocation(stack: string, file: string): { readonly line: number; readonly col: number } | undefined {
  const names = new Set([file, realPath(file)]);
  for (const line of stack.split('\n')) {
    const frame = /^\s*at (?:.*? \()?(.+?):(\d+):(\d+)\)?\s*$/.exec(line);
    if (!frame) continue;
    if (names.has(framePath(frame[1]!))) return { line: Number(frame[2]), col: Number(frame[3]) };
  }
  return undefined;
}

/** The path of a stack frame's location: a file:// URL decoded, a query removed. */
function framePath(location: string): string {
  const bare = location.replace(/\?[^/]*$/, '');
  if (!bare.startsWith('file://')) return bare;
  try {
    return fileURLToPath(bare);
  } catch {
    return bare;
  }
}

function realPath(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return file;
  }
}
