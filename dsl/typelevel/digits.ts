import type { DiffTable, ProductTable, SumTable } from './digit-tables.ts';

/**
 * Exact arithmetic on non-negative integers written as decimal digit strings, at the type level.
 *
 * Numbers are strings without leading zeros (`'0'` for zero). Work is done digit by digit with
 * lookup tables, so the cost grows with the number of digits, not with the value:
 * `DivMod<'100352', '14'>` is about as cheap as `DivMod<'224', '16'>`. Carries run from the
 * least significant digit, so sums and products work on reversed strings internally.
 *
 * Example: `Mul<'196', '25'>` is `'4900'`; `DivMod<'100352', '15'>` is `['6690', '2']`.
 */

export type Digit = '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9';

type Bit = '0' | '1';

export type Reverse<S extends string, Acc extends string = ''> = S extends `${infer H}${infer R}` ? Reverse<R, `${H}${Acc}`> : Acc;

/** Drops leading zeros: `'007'` is `'7'`, `'000'` is `'0'`. */
export type StripZeros<S extends string> = S extends `0${infer R}` ? (R extends '' ? '0' : StripZeros<R>) : S extends '' ? '0' : S;

/** Number of characters, as a number literal. */
export type Length<S extends string, Acc extends 0[] = []> = S extends `${string}${infer R}` ? Length<R, [...Acc, 0]> : Acc['length'];

/** `'lt' | 'eq' | 'gt'` comparing two normalised digit strings: by length, then digit by digit. */
export type Compare<A extends string, B extends string> = CompareLength<A, B> extends infer L
  ? L extends 'eq'
    ? CompareDigits<A, B>
    : L
  : never;

type CompareLength<A extends string, B extends string> = A extends `${string}${infer RA}`
  ? B extends `${string}${infer RB}`
    ? CompareLength<RA, RB>
    : 'gt'
  : B extends ''
    ? 'eq'
    : 'lt';

type CompareDigits<A extends string, B extends string> = A extends `${infer HA extends Digit}${infer RA}`
  ? B extends `${infer HB extends Digit}${infer RB}`
    ? HA extends HB
      ? CompareDigits<RA, RB>
      : '0123456789' extends `${string}${HA}${string}${HB}${string}`
        ? 'lt'
        : 'gt'
    : 'gt'
  : 'eq';

/** A + B. */
export type Add<A extends string, B extends string> = Reverse<AddReversed<Reverse<A>, Reverse<B>>>;

/** A + B on reversed digit strings (least significant digit first). */
type AddReversed<A extends string, B extends string, C extends Bit = '0', Acc extends string = ''> = A extends `${infer HA extends Digit}${infer RA}`
  ? B extends `${infer HB extends Digit}${infer RB}`
    ? SumTable[HA][HB][C] extends `${infer NC extends Bit}${infer D}`
      ? AddReversed<RA, RB, NC, `${Acc}${D}`>
      : never
    : SumTable[HA]['0'][C] extends `${infer NC extends Bit}${infer D}`
      ? AddReversed<RA, '', NC, `${Acc}${D}`>
      : never
  : B extends ''
    ? C extends '1'
      ? `${Acc}1`
      : Acc
    : AddReversed<B, '', C, Acc>;

/** A - B, for A >= B. */
export type Sub<A extends string, B extends string> = StripZeros<Reverse<SubReversed<Reverse<A>, Reverse<B>>>>;

type SubReversed<A extends string, B extends string, C extends Bit = '0', Acc extends string = ''> = A extends `${infer HA extends Digit}${infer RA}`
  ? (B extends `${infer HB extends Digit}${string}` ? DiffTable[HA][HB][C] : DiffTable[HA]['0'][C]) extends `${infer NC extends Bit}${infer D}`
    ? SubReversed<RA, B extends `${Digit}${infer RB}` ? RB : '', NC, `${Acc}${D}`>
    : never
  : Acc;

/** Reversed A times digit D, carrying a digit. */
type MulDigitReversed<A extends string, D extends Digit, C extends Digit = '0', Acc extends string = ''> = A extends `${infer HA extends Digit}${infer RA}`
  ? ProductTable[HA][D] extends `${infer P extends Digit}${infer Q extends Digit}`
    ? SumTable[Q][C]['0'] extends `${infer K extends Digit}${infer R}`
      ? SumTable[P][K]['0'] extends `0${infer NC extends Digit}`
        ? MulDigitReversed<RA, D, NC, `${Acc}${R}`>
        : never
      : never
    : never
  : C extends '0'
    ? Acc
    : `${Acc}${C}`;

/** A * B: long multiplication over the digits of B, all on reversed strings. */
export type Mul<A extends string, B extends string> = A extends '0'
  ? '0'
  : B extends '0'
    ? '0'
    : Reverse<MulReversed<Reverse<A>, Reverse<B>>>;

type MulReversed<A extends string, B extends string, Shift extends string = '', Acc extends string = ''> = B extends `${infer H extends Digit}${infer R}`
  ? MulReversed<A, R, `${Shift}0`, H extends '0' ? Acc : AddReversed<Acc, `${Shift}${MulDigitReversed<A, H>}`>>
  : Acc;

/** [A div B, A mod B] for B > 0, by long division over the digits of A. */
export type DivMod<A extends string, B extends string> = DivModWith<A, Multiples<B>>;

/** [B, 2B, ..., 9B], each a normalised digit string. */
type Multiples<B extends string, Acc extends string[] = [B]> = Acc['length'] extends 9
  ? Acc
  : Multiples<B, [...Acc, Add<Acc extends [...string[], infer Last extends string] ? Last : never, B>]>;

type DivModWith<A extends string, M extends string[], Q extends string = '', R extends string = '0'> = A extends `${infer H extends Digit}${infer Rest}`
  ? Fit<StripZeros<`${R}${H}`>, M> extends [infer QD extends string, infer Taken extends string]
    ? DivModWith<Rest, M, `${Q}${QD}`, Taken extends '0' ? StripZeros<`${R}${H}`> : Sub<StripZeros<`${R}${H}`>, Taken>>
    : never
  : [StripZeros<Q>, R];

/** The largest k in 0..9 with k * B <= R, and k * B itself (`'0'` for k = 0). */
type Fit<R extends string, M extends string[], Best extends [string, string] = ['0', '0'], K extends 0[] = [0]> = M extends [
  infer First extends string,
  ...infer More extends string[],
]
  ? Compare<First, R> extends 'gt'
    ? Best
    : Fit<R, More, [`${K['length']}`, First], [...K, 0]>
  : Best;

/** 10^n as a digit string. */
export type PowerOfTen<N extends number, Acc extends string = '1', I extends 0[] = []> = I['length'] extends N
  ? Acc
  : PowerOfTen<N, `${Acc}0`, [...I, 0]>;
