/**
 * Finding the values a computation cannot use: NaN and infinities in tensors read from a file.
 * A single NaN in the inputs or weights turns the loss into NaN without any error, so files are
 * checked at the edge and the first bad element is named.
 */

/** The index of the first element that is NaN or infinite, or -1 when all are finite. */
export function firstNonFinite(data: Float32Array): number {
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i]!)) return i;
  return -1;
}

/**
 * The row-major position of element `flat` in a tensor of `shape`.
 *
 * @example positionOf([2, 3], 4) // [1, 1]
 */
export function positionOf(shape: readonly number[], flat: number): number[] {
  const position = new Array<number>(shape.length).fill(0);
  let rest = flat;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    position[axis] = rest % shape[axis]!;
    rest = Math.floor(rest / shape[axis]!);
  }
  return position;
}

/**
 * What is wrong with a tensor holding a NaN or an infinity, naming its first bad element, or
 * undefined when every value is finite.
 *
 * @example nonFiniteProblem('imgs', [1, 1, 2, 2], new Float32Array([0, NaN, 0, 0]))
 * // 'tensor "imgs" holds NaN at [0, 0, 0, 1] (element 1); expected finite values'
 */
export function nonFiniteProblem(name: string, shape: readonly number[], data: Float32Array): string | undefined {
  const i = firstNonFinite(data);
  if (i < 0) return undefined;
  return `tensor "${name}" holds ${data[i]} at [${positionOf(shape, i).join(', ')}] (element ${i}); expected finite values`;
}
