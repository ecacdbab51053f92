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
