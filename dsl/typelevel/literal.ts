import type { Compare } from './digits.ts';

/**
 * How the type level reads a number type. Only a single number literal (`16`, `0.75`) is judged;
 * `number`, a union of literals, or anything else "steps aside" and leaves the verdict to the
 * runtime rules.
 *
 * Example: `IsLiteral<16>` is `true`; `IsLiteral<number>` and `IsLiteral<14 | 16>` are `false`.
 */
export type IsLiteral<N> = [N] extends [number] ? (number extends N ? false : IsSingle<N>) : false;

type IsSingle<T, U = T> = T extends unknown ? ([U] extends [T] ? true : false) : never;

/**
 * A literal that is a positive safe integer (`Number.isSafeInteger(n) && n > 0`). JavaScript
 * writes such a number as plain digits, which `${bigint}` matches; a leading `-` or a lone `0`
 * is not positive; the digits are then compared with 2^53 - 1.
 */
export type IsPositiveInt<N extends number> = `${N}` extends `-${string}` | '0'
  ? false
  : `${N}` extends `${bigint}`
    ? Compare<`${N}`, '9007199254740991'> extends 'gt'
      ? false
      : true
    : false;

/** A literal that is greater than zero. Literals are always finite, so only the sign matters. */
export type IsPositive<N extends number> = `${N}` extends `-${string}` | '0' ? false : true;

/**
 * A mask ratio literal read exactly:
 * - `['in', F]` for 0 < r < 1 written `0.F` (F the fraction digits, e.g. `'75'` for 0.75);
 * - `['tiny']` for 0 < r < 1e-6, which JavaScript writes with an exponent (`1e-7`);
 * - `['out']` for r <= 0 or r >= 1.
 */
export type RatioForm<N extends number> = `${N}` extends `-${string}` | '0'
  ? ['out']
  : `${N}` extends `0.${infer F}`
    ? ['in', F]
    : `${N}` extends `${string}e-${string}`
      ? ['tiny']
      : ['out'];
