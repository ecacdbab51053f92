import type * as t from 'io-ts';
import { fieldPath, type Problem } from '../problem.ts';
import { STRUCTURAL } from '../rules/index.ts';
import { describe } from './describe.ts';

/**
 * io-ts validation errors as MAE000 problems: the path is the chain of field keys
 * (`encoder.patch`; an odd key quoted, `encoder[""]`, so that no problem below the spec is
 * unlocated), the message says what was expected and what came.
 * Example: `{ code: 'MAE000', path: 'encoder.patch', message: 'expected number, got "16"' }`.
 */
export function structuralProblems(errors: t.Errors): readonly Problem[] {
  return errors.map((error) => {
    const path = fieldPath(error.context.slice(1).map((entry) => entry.key));
    const expected = error.context[error.context.length - 1]?.type.name ?? 'a spec';
    return { code: STRUCTURAL, path, message: error.message ?? `expected ${expected}, got ${describe(error.value)}` };
  });
}
