/**
 * Mismatches between a checkpoint and the model, as data. All are collected in one pass and
 * reported together (capped), so a user fixes a file once instead of once per tensor.
 */

/** Stable reasons a tensor does not fit the model. */
export type WeightProblemCode = 'missing' | 'unexpected' | 'shape' | 'dtype' | 'qkv';

/**
 * One mismatch: the official parameter name at fault and what was expected and found.
 *
 * @example
 * const p: WeightProblem = { code: 'shape', name: 'norm.weight', message: 'expected shape [64], found [32]' };
 */
export interface WeightProblem {
  readonly code: WeightProblemCode;
  /** Official name where one applies, else the file's own key. */
  readonly name: string;
  readonly message: string;
}

/** Lines shown before the rest are summarised as "and N more". */
export const MAX_LISTED_PROBLEMS = 20;

/**
 * `norm.weight: expected shape [64], found [32]`.
 *
 * @example
 * formatWeightProblem({ code: 'missing', name: 'mask_token', message: 'missing (expected shape [1,1,32])' })
 * // 'mask_token: missing (expected shape [1,1,32])'
 */
export function formatWeightProblem(problem: WeightProblem): string {
  return `${problem.name}: ${problem.message}`;
}

/**
 * The problems as an indented list of at most `MAX_LISTED_PROBLEMS` lines plus "and N more".
 *
 * @example
 * formatWeightProblems(problems) // '  norm.weight: expected shape [64], found [32]\n  and 3 more'
 */
export function formatWeightProblems(problems: readonly WeightProblem[]): string {
  const lines = problems.slice(0, MAX_LISTED_PROBLEMS).map((p) => `  ${formatWeightProblem(p)}`);
  if (problems.length > MAX_LISTED_PROBLEMS) lines.push(`  and ${problems.length - MAX_LISTED_PROBLEMS} more`);
  return lines.join('\n');
}

/**
 * Thrown by `loadWeights` / `exportWeights` when tensors and model disagree; `problems` holds
 * every mismatch as data, the message lists them.
 *
 * @example
 * try { loadWeights(tensors, expected); } catch (e) { if (e instanceof WeightsError) e.problems.map((p) => p.name); }
 */
export class WeightsError extends Error {
  override readonly name = 'WeightsError';

  constructor(
    /** The file or other source being matched, for the first line of the message. */
    readonly source: string,
    readonly problems: readonly WeightProblem[],
    /** Extra advice printed after the list. */
    readonly hint?: string,
  ) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    super(`${source}: weights do not match the model (${count}):\n${formatWeightProblems(problems)}${hint === undefined ? '' : `\n${hint}`}`);
  }
}
