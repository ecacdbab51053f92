/**
 * The safetensors element types maec reads and writes, and the typed array that holds each.
 * Half-precision values (F16, BF16) are kept as their raw 16-bit patterns in a Uint16Array so a
 * file round-trips bit for bit; `toFloat32` (convert.ts) widens them.
 */

/** Supported dtype names, as spelled in a safetensors header. */
export const DTYPES = ['F64', 'F32', 'F16', 'BF16', 'I64', 'I32', 'U8'] as const;
export type Dtype = (typeof DTYPES)[number];

/** The floating-point dtypes: the ones a weight may be stored in. */
export const FLOAT_DTYPES: readonly Dtype[] = ['F64', 'F32', 'F16', 'BF16'];

/** Bytes per element. */
export const DTYPE_SIZE: Readonly<Record<Dtype, number>> = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  U8: 1,
};

/** The typed array holding each dtype's elements (F16/BF16: raw bit patterns). */
export interface DtypeArray {
  F64: Float64Array;
  F32: Float32Array;
  F16: Uint16Array;
  BF16: Uint16Array;
  I64: BigInt64Array;
  I32: Int32Array;
  U8: Uint8Array;
}

/** Any of the typed arrays above. */
export type TensorData = DtypeArray[Dtype];

/**
 * One tensor as read from a file; `dtype` tells which typed array `data` is.
 *
 * @example
 * const t: SafetensorsTensor = { name: 'loss', dtype: 'F32', shape: [], data: new Float32Array([1.6]) };
 */
export type SafetensorsTensor = {
  [D in Dtype]: { readonly name: string; readonly dtype: D; readonly shape: readonly number[]; readonly data: DtypeArray[D] };
}[Dtype];

/** True when `s` names a supported dtype. */
export function isDtype(s: string): s is Dtype {
  return (DTYPES as readonly string[]).includes(s);
}

/** Number of elements of a shape (1 for a scalar `[]`). */
export function shapeSize(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** `[192,64]`: a shape as it appears in messages. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}
