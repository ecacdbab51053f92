/**
 * Typed arrays to and from the little-endian bytes safetensors stores. On a little-endian host
 * (every platform Node ships for) this is a copy; elsewhere each element is swapped.
 */
import { DTYPE_SIZE, type Dtype, type DtypeArray, type TensorData } from './dtypes.ts';

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * A fresh, aligned typed array of `dtype` holding the elements encoded in `bytes`.
 * `bytes.length` must be a multiple of the dtype size (the header checks guarantee it).
 *
 * @example
 * fromLittleEndian('F32', new Uint8Array([0, 0, 128, 63])) // Float32Array [1]
 */
export function fromLittleEndian<D extends Dtype>(dtype: D, bytes: Uint8Array): DtypeArray[D] {
  const n = bytes.length / DTYPE_SIZE[dtype];
  const copy = new Uint8Array(bytes); // own buffer at offset 0, aligned for any element size (Buffer.slice would share memory)
  if (HOST_LITTLE_ENDIAN) return view(dtype, copy.buffer, n);
  const out = view(dtype, new ArrayBuffer(copy.length), n);
  const src = new DataView(copy.buffer);
  for (let i = 0; i < n; i++) setSwapped(dtype, out, src, i);
  return out;
}

/**
 * The little-endian bytes of a typed array. On a little-endian host this is a view on the same
 * memory, not a copy.
 *
 * @example
 * toLittleEndian(new Float32Array([1])) // Uint8Array [0, 0, 128, 63]
 */
export function toLittleEndian(data: TensorData): Uint8Array {
  if (HOST_LITTLE_ENDIAN || data.BYTES_PER_ELEMENT === 1) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const out = new Uint8Array(data.byteLength);
  const dst = new DataView(out.buffer);
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    const at = i * data.BYTES_PER_ELEMENT;
    if (data instanceof Float64Array) dst.setFloat64(at, v as number, true);
    else if (data instanceof Float32Array) dst.setFloat32(at, v as number, true);
    else if (data instanceof BigInt64Array) dst.setBigInt64(at, v as bigint, true);
    else if (data instanceof Int32Array) dst.setInt32(at, v as number, true);
    else dst.setUint16(at, v as number, true);
  }
  return out;
}

function view<D extends Dtype>(dtype: D, buffer: ArrayBuffer, n: number): DtypeArray[D] {
  const arrays: { [K in Dtype]: () => DtypeArray[K] } = {
    F64: () => new Float64Array(buffer, 0, n),
    F32: () => new Float32Array(buffer, 0, n),
    F16: () => new Uint16Array(buffer, 0, n),
    BF16: () => new Uint16Array(buffer, 0, n),
    I64: () => new BigInt64Array(buffer, 0, n),
    I32: () => new Int32Array(buffer, 0, n),
    U8: () => new Uint8Array(buffer, 0, n),
  };
  return arrays[dtype]();
}

function setSwapped(dtype: Dtype, out: TensorData, src: DataView, i: number): void {
  const at = i * DTYPE_SIZE[dtype];
  if (out instanceof Float64Array) out[i] = src.getFloat64(at, true);
  else if (out instanceof Float32Array) out[i] = src.getFloat32(at, true);
  else if (out instanceof BigInt64Array) out[i] = src.getBigInt64(at, true);
  else if (out instanceof Int32Array) out[i] = src.getInt32(at, true);
  else if (out instanceof Uint16Array) out[i] = src.getUint16(at, true);
  else out[i] = src.getUint8(at);
}
