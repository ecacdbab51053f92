import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bf16BitsToF32, f16BitsToF32, f32ToBf16Bits, f32ToF16Bits } from '../../runtime/io/half.ts';

// [value, expected F16 bits]: exact values, ties to even, overflow, subnormals, specials.
const F16_CASES: [number, number][] = [
  [1, 0x3c00],
  [-2.5, 0xc100],
  [65504, 0x7bff], // largest finite
  [65519, 0x7bff], // just below the rounding midpoint to infinity
  [65520, 0x7c00], // midpoint: ties to even -> infinity
  [2 ** -14, 0x0400], // smallest normal
  [2 ** -24, 0x0001], // smallest subnormal
  [1023 * 2 ** -24, 0x03ff], // largest subnormal
  [2 ** -25, 0x0000], // tie between 0 and the smallest subnormal: even is 0
  [3 * 2 ** -26, 0x0001], // above the tie
  [3 * 2 ** -25, 0x0002], // tie between 1 and 2 subnormal units: even is 2
  [1 + 2 ** -11, 0x3c00], // tie -> even mantissa 0
  [1 + 3 * 2 ** -11, 0x3c02], // tie -> even mantissa 2
  [0.1, 0x2e66],
  [0, 0x0000],
  [-0, 0x8000],
  [Infinity, 0x7c00],
  [-Infinity, 0xfc00],
  [1e10, 0x7c00],
  [1e-10, 0x0000],
];

// [value, expected BF16 bits]
const BF16_CASES: [number, number][] = [
  [1, 0x3f80],
  [-2.5, 0xc020],
  [65504, 0x4780], // 0x477fe000 rounds up to 65536
  [1 + 2 ** -8, 0x3f80], // tie -> even
  [1 + 3 * 2 ** -8, 0x3f82], // tie -> even
  [2 ** -149, 0x0000], // float32's smallest subnormal rounds to zero
  [2 ** -126, 0x0080], // smallest normal is exact
  [3.4028234663852886e38, 0x7f80], // float32 max rounds to infinity
  [-0, 0x8000],
  [Infinity, 0x7f80],
  [-Infinity, 0xff80],
];

test('F16 encoding matches known bit patterns', () => {
  for (const [value, bits] of F16_CASES) {
    assert.equal(f32ToF16Bits(value).toString(16), bits.toString(16), `f16(${value})`);
  }
});

test('BF16 encoding matches known bit patterns', () => {
  for (const [value, bits] of BF16_CASES) {
    assert.equal(f32ToBf16Bits(value).toString(16), bits.toString(16), `bf16(${value})`);
  }
});

test('NaN stays NaN in both half formats', () => {
  const h = f32ToF16Bits(NaN);
  assert.equal(h & 0x7c00, 0x7c00);
  assert.notEqual(h & 0x3ff, 0);
  assert.ok(Number.isNaN(f16BitsToF32(h)));
  const b = f32ToBf16Bits(NaN);
  assert.equal(b & 0x7f80, 0x7f80);
  assert.notEqual(b & 0x7f, 0);
  assert.ok(Number.isNaN(bf16BitsToF32(b)));
  // a NaN whose payload sits only in the low 16 bits must not truncate to infinity
  const lowPayload = new Float32Array(new Uint32Array([0x7f800001]).buffer)[0]!;
  assert.ok(Number.isNaN(bf16BitsToF32(f32ToBf16Bits(lowPayload))));
  assert.ok(Number.isNaN(f16BitsToF32(f32ToF16Bits(lowPayload))));
});

test('decoding gives the exact value of every F16 pattern and re-encodes to the same bits', () => {
  for (let h = 0; h < 0x10000; h++) {
    const v = f16BitsToF32(h);
    if (Number.isNaN(v)) {
      assert.equal(h & 0x7c00, 0x7c00);
      continue;
    }
    assert.equal(f32ToF16Bits(v), h, `pattern ${h.toString(16)}`);
  }
  assert.equal(f16BitsToF32(0x7bff), 65504);
  assert.equal(f16BitsToF32(0x0001), 2 ** -24);
  assert.equal(f16BitsToF32(0xc100), -2.5);
  assert.equal(f16BitsToF32(0xfc00), -Infinity);
  assert.ok(Object.is(f16BitsToF32(0x8000), -0));
});

test('every non-NaN BF16 pattern re-encodes to the same bits', () => {
  for (let h = 0; h < 0x10000; h++) {
    const v = bf16BitsToF32(h);
    if (!Number.isNaN(v)) assert.equal(f32ToBf16Bits(v), h, `pattern ${h.toString(16)}`);
  }
  assert.equal(bf16BitsToF32(0xc020), -2.5);
});

test('F16 rounding picks the nearer neighbour for values between patterns', () => {
  // midway-ish samples: the result must be one of the two neighbours and the closer one
  for (let h = 0x0001; h < 0x7bff; h += 97) {
    const lo = f16BitsToF32(h);
    const hi = f16BitsToF32(h + 1);
    const x = Math.fround(lo + (hi - lo) * 0.3);
    assert.equal(f32ToF16Bits(x), h);
    const y = Math.fround(lo + (hi - lo) * 0.7);
    assert.equal(f32ToF16Bits(y), h + 1);
  }
});
