/**
 * A problem found in a spec: data, never thrown across module boundaries.
 * `path` names the offending field (`encoder.heads`); `code` is stable (`MAE003`).
 */
export interface Problem {
  readonly code: string;
  /** Dotted field path, e.g. `decoder.heads`; empty for the spec as a whole. */
  readonly path: string;
  /** What was expected and what was found, e.g. `5 does not divide width 768`. */
  readonly message: string;
}

/** `encoder.heads: 5 does not divide width 768`. */
export function formatProblem(problem: Problem): string {
  return problem.path === '' ? problem.message : `${problem.path}: ${problem.message}`;
}

/** A key that reads unambiguously in a dotted path; any other key is quoted. */
const PLAIN_KEY = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * The field path of a chain of object keys: plain names joined by dots, any other key (empty,
 * with a dot, a digit first) quoted in brackets as JSON writes it, so every path names exactly
 * one place and none is empty unless it is the spec itself.
 *
 * Example: `fieldPath(['encoder', 'heads'])` is `encoder.heads`; `fieldPath([''])` is `[""]`;
 * `fieldPath(['image', 'a.b'])` is `image["a.b"]`.
 */
export function fieldPath(keys: readonly string[]): string {
  return keys.reduce((path, key) => (PLAIN_KEY.test(key) ? (path === '' ? key : `${path}.${key}`) : `${path}[${JSON.stringify(key)}]`), '');
}

const PATH_STEP = /\.?([A-Za-z_$][A-Za-z0-9_$]*)|\[("(?:[^"\\]|\\.)*")\]/y;

/**
 * The keys of a field path, the inverse of fieldPath; a path it did not write (a stray dot)
 * gives the keys read up to there. Example: `pathKeys('encoder[""]')` is `['encoder', '']`.
 */
export function pathKeys(path: string): string[] {
  const keys: string[] = [];
  PATH_STEP.lastIndex = 0;
  while (PATH_STEP.lastIndex < path.length) {
    const m = PATH_STEP.exec(path);
    if (!m) break;
    keys.push(m[1] ?? (JSON.parse(m[2]!) as string));
  }
  return keys;
}
