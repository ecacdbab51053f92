import type { Problem } from './problem.ts';
import { RULES } from './rules/index.ts';
import type { MaeSpec } from './spec.ts';

/**
 * Runs every rule of RULES over a resolved spec and returns all problems found (empty when the
 * spec is sound). This is the runtime half of the checks; the type level catches the same
 * mistakes in literal specs at compile time.
 *
 * Example: `validateSpec(mae({ encoder: vitB, mask: n }))` with `n = 1` is
 * `[{ code: 'MAE004', path: 'mask.ratio', message: 'must be > 0 and < 1, got 1' }]`.
 */
export function validateSpec(spec: MaeSpec): readonly Problem[] {
  return Object.freeze(RULES.flatMap((rule) => rule.check(spec)));
}
