/**
 * IEEE binary16 (F16) and bfloat16 (BF16) bit patterns to and from float32, rounding to nearest
 * with ties to even, overflowing to infinity, keeping subnormals, signed zeros and NaN.
 */

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/**
 * The F16 bit pattern nearest to `x`.
 *
 * @example
 * f32ToF16Bits(1) // 0x3c00
 * f32ToF16Bits(65520) // 0x7c00 (rounds up to infinity)
 */
export function f32ToF16Bits(x: number): number {
  f32[0] = x;
  const bits = u32[0]!;
  const sign = (bits >>> 16) & 0x8000;
  const exp = (bits >>> 23) & 0xff;
  const mant = bits & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant === 0 ? 0 : 0x200 | (mant >>> 13)); // quiet NaN keeps its top payload bits
  const e = exp - 112; // rebias 127 -> 15
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign; // below half the smallest subnormal: rounds to zero
    const full = mant | 0x800000;
    const shift = 14 - e; // half subnormal units are 2^-24
    let half = full >>> shift;
    const rem = full & ((1 << shift) - 1);
    const tie = 1 << (shift - 1);
    if (rem > tie || (rem === tie && (half & 1) === 1)) half += 1; // may carry into the smallest normal: still correct
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && (half & 1) === 1)) half += 1; // a carry into exponent 31 gives infinity, as it should
  return sign | half;
}

/**
 * The value of an F16 bit pattern.
 *
 * @example
 * f16BitsToF32(0xc100) // -2.5
 */
export function f16BitsToF32(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant === 0 ? sign * Infinity : NaN;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

/**
 * The BF16 bit pattern nearest to `x` (the top half of its float32 bits, rounded).
 *
 * @example
 * f32ToBf16Bits(1) // 0x3f80
 */
export function f32ToBf16Bits(x: number): number {
  f32[0] = x;
  const bits = u32[0]!;
  if ((bits & 0x7f800000) === 0x7f800000 && (bits & 0x7fffff) !== 0) return (bits >>> 16) | 0x40; // keep NaN a NaN
  return ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16) & 0xffff;
}

/**
 * The value of a BF16 bit pattern.
 *
 * @example
 * bf16BitsToF32(0xc020) // -2.5
 */
export function bf16BitsToF32(h: number): number {
  u32[0] = (h & 0xffff) << 16;
  return f32[0]!;
}

/** Elementwise `f32ToF16Bits`: `[n]` floats -> `[n]` F16 patterns. */
export function encodeF16(values: Float32Array): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = f32ToF16Bits(values[i]!);
  return out;
}

/** Elementwise `f32ToBf16Bits`: `[n]` floats -> `[n]` BF16 patterns. */
export function encodeBf16(values: Float32Array): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = f32ToBf16Bits(values[i]!);
  return out;
}

/** Elementwise `f16BitsToF32`: `[n]` F16 patterns -> `[n]` floats. */
export function decodeF16(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = f16BitsToF32(bits[i]!);
  return out;
}

/** Elementwise `bf16BitsToF32`: `[n]` BF16 patterns -> `[n]` floats (exact). */
export function decodeBf16(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  const outBits = new Uint32Array(out.buffer);
  for (let i = 0; i < bits.length; i++) outBits[i] = bits[i]! << 16;
  return out;
}
