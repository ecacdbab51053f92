/**
 * Converting tensors read from a file to what the runtime computes with: any float dtype to
 * Float32Array, I64/I32/U8 indices to Int32Array or number[] (range checked, never wrapped).
 */
import { FLOAT_DTYPES, type SafetensorsTensor } from './dtypes.ts';
import { SafetensorsError } from './errors.ts';
import { decodeBf16, decodeF16 } from './half.ts';

/**
 * The tensor's values as float32. F32 data is returned as is (no copy); F64 is rounded to
 * nearest; F16 and BF16 are widened exactly. Integer dtypes are refused: a weight stored as an
 * integer is a mistake, not something to convert silently.
 *
 * @example
 * toFloat32({ name: 'w', dtype: 'BF16', shape: [1], data: new Uint16Array([0x3f80]) }) // Float32Array [1]
 */
export function toFloat32(tensor: SafetensorsTensor, file = '<tensor>'): Float32Array {
  switch (tensor.dtype) {
    case 'F32':
      return tensor.data;
    case 'F64':
      return Float32Array.from(tensor.data);
    case 'F16':
      return decodeF16(tensor.data);
    case 'BF16':
      return decodeBf16(tensor.data);
    default:
      throw new SafetensorsError('value-range', file, `expected a float dtype (${FLOAT_DTYPES.join(', ')}), found ${tensor.dtype}`, tensor.name);
  }
}

/**
 * Integer tensor values as Int32Array; throws `SafetensorsError` naming the first element that
 * does not fit in 32 bits.
 *
 * @example
 * toInt32({ name: 'ids_restore', dtype: 'I64', shape: [2], data: new BigInt64Array([1n, 0n]) }) // Int32Array [1, 0]
 */
export function toInt32(tensor: SafetensorsTensor, file = '<tensor>'): Int32Array {
  switch (tensor.dtype) {
    case 'I32':
      return tensor.data;
    case 'U8':
      return Int32Array.from(tensor.data);
    case 'I64': {
      const out = new Int32Array(tensor.data.length);
      for (let i = 0; i < out.length; i++) {
        const v = tensor.data[i]!;
        if (v < -2147483648n || v > 2147483647n) {
          throw new SafetensorsError('value-range', file, `element ${i} is ${v}, outside the int32 range [-2147483648, 2147483647]`, tensor.name);
        }
        out[i] = Number(v);
      }
      return out;
    }
    default:
      throw new SafetensorsError('value-range', file, `expected an integer dtype (I64, I32, U8), found ${tensor.dtype}`, tensor.name);
  }
}

/**
 * Integer tensor values as plain numbers; throws `SafetensorsError` naming the first I64
 * element beyond Number.MAX_SAFE_INTEGER in magnitude.
 *
 * @example
 * toNumbers({ name: 'step', dtype: 'I64', shape: [], data: new BigInt64Array([5000000000n]) }) // [5000000000]
 */
export function toNumbers(tensor: SafetensorsTensor, file = '<tensor>'): number[] {
  if (tensor.dtype !== 'I64') return Array.from(toInt32(tensor, file));
  const limit = BigInt(Number.MAX_SAFE_INTEGER);
  return Array.from(tensor.data, (v, i) => {
    if (v > limit || v < -limit) {
      throw new SafetensorsError('value-range', file, `element ${i} is ${v}, beyond the exactly representable range ±${limit}`, tensor.name);
    }
    return Number(v);
  });
}
