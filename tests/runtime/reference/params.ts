/**
 * Parameters by official name (../shared/reference/MAE-SPEC.md, "Parameter names"), as float32
 * (the model's own) or float64 values (finite differences need steps float32 cannot hold).
 */
export type ParamValues = ReadonlyMap<string, ArrayLike<number>>;

/** The values of `name`, checked to hold prod(shape) numbers, as float64. */
export function param(params: ParamValues, name: string, shape: readonly number[]): Float64Array {
  const values = params.get(name);
  if (!values) throw new Error(`reference: missing parameter ${name}`);
  const size = shape.reduce((a, b) => a * b, 1);
  if (values.length !== size) throw new Error(`reference: ${name} has ${values.length} values, expected [${shape.join(', ')}] = ${size}`);
  return Float64Array.from(values);
}
