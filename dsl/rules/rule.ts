import type { Problem } from '../problem.ts';
import type { MaeSpec } from '../spec.ts';

/**
 * One runtime check of a resolved spec, in the style of graphql-js validation rules: a stable
 * code, a name, a one-line description, and a pure check that returns every problem it finds.
 * A rule stays silent where its inputs are already wrong by another rule (the heads rule does not
 * divide by a zero head count; the positive-integer rule reports that), so each mistake is
 * reported once.
 *
 * Example: `encoderHeadsDivideWidth.check(spec)` is
 * `[{ code: 'MAE002', path: 'encoder.heads', message: '5 does not divide width 768' }]`.
 */
export interface Rule {
  readonly code: string;
  readonly name: string;
  readonly description: string;
  readonly check: (spec: MaeSpec) => readonly Problem[];
}

/** `Number.isSafeInteger(n) && n > 0`: the values every size, depth and count must have. */
export function isPositiveInt(value: number): boolean {
  return Number.isSafeInteger(value) && value > 0;
}

/** A problem of a rule at a field. */
export function problemOf(rule: Pick<Rule, 'code'>, path: string, message: string): Problem {
  return { code: rule.code, path, message };
}

/** Freezes a rule, keeping the Rule type as the context for its check's parameter. */
export function defineRule(rule: Rule): Rule {
  return Object.freeze(rule);
}
