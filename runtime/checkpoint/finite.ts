/**
 * Non-finite values never reach a checkpoint and are never read back from one: parameters and
 * optimizer moments must be finite, and AdamW's second moments (`v.<param>`) non-negative (a
 * negative one makes sqrt(v) NaN on the next update).
 */

/** A checkpoint refused for its values, naming the file and the tensor. */
export class CheckpointValuesError extends Error {
  constructor(
    readonly path: string,
    readonly tensor: string,
    readonly problem: string,
  ) {
    super(`${path}: tensor "${tensor}" ${problem}`);
    this.name = 'CheckpointValuesError';
  }
}

/** What is wrong with one tensor's values, or undefined: `3 non-finite values (the first, NaN, at index 17)`. */
export function valuesProblem(name: string, data: Float32Array): string | undefined {
  const secondMoment = name.startsWith('v.') || name.startsWith('optimizer.v.');
  let bad = 0;
  let first = -1;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (Number.isFinite(v) && !(secondMoment && v < 0)) continue;
    if (bad === 0) first = i;
    bad += 1;
  }
  if (bad === 0) return undefined;
  const what = secondMoment ? 'non-finite or negative second-moment values' : 'non-finite values';
  return `has ${bad.toLocaleString('en-US')} ${what} of ${data.length.toLocaleString('en-US')} (the first, ${data[first]}, at index ${first})`;
}

/** Throws CheckpointValuesError for the first tensor of `tensors` with a bad value. */
export function checkValues(path: string, tensors: Iterable<readonly [string, Float32Array]>): void {
  for (const [name, data] of tensors) {
    const problem = valuesProblem(name, data);
    if (problem) throw new CheckpointValuesError(path, name, problem);
  }
}
