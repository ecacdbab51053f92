import type { Add, Compare, DivMod, Length, Mul, PowerOfTen, StripZeros, Sub } from './digits.ts';
import type { IsLiteral, IsPositive, IsPositiveInt, RatioForm } from './literal.ts';
import type { View } from './view.ts';

/**
 * The type-level twins of the runtime rules in dsl/rules/. Each check yields `never` (fine, or
 * not decidable from the types) or a ShapeError: the places where it could be reported, most
 * specific first, and the message, which names the fields in words.
 *
 * Each check takes the field types themselves, not the whole view, so the compiler caches its
 * verdict per value: a hundred specs that share `patch: 16, size: 224` do the division once.
 *
 * Example: `ShapeErrors<MaeView<{ encoder: typeof vitB; image: { size: 225 } }>>` is
 * `[['image.size', 'encoder.patch'], 'patch 16 does not divide image size 225']`.
 */
export type ShapeError = [at: string[], message: string];

/** A literal positive integer as a digit string; `false` when not literal or not valid. */
type Int<N> = [N] extends [number] ? (IsLiteral<N> extends true ? (IsPositiveInt<N> extends true ? `${N}` : false) : false) : false;

/** MAE006: sizes, depths, head and channel counts, widths and patches are positive integers. */
type PositiveInteger<F extends string, Label extends string, N> = [N] extends [number]
  ? IsLiteral<N> extends true
    ? IsPositiveInt<N> extends true
      ? never
      : [[F], `${Label} must be a positive integer, got ${N}`]
    : never
  : never;

/** MAE001: the image side is a multiple of the patch. */
type PatchDividesSize<P, S> = [Int<P>, Int<S>] extends [infer PS extends string, infer SS extends string]
  ? DivMod<SS, PS>[1] extends '0'
    ? never
    : [['image.size', 'encoder.patch'], `patch ${PS} does not divide image size ${SS}`]
  : never;

/** MAE002 and MAE003: the heads split the width evenly. */
type HeadsDivideWidth<Part extends 'encoder' | 'decoder', H, W> = [Int<H>, Int<W>] extends [
  infer HS extends string,
  infer WS extends string,
]
  ? DivMod<WS, HS>[1] extends '0'
    ? never
    : Part extends 'encoder'
      ? [['encoder.heads', 'encoder.width'], `heads ${HS} does not divide width ${WS}`]
      : [['decoder.heads', 'decoder.width'], `decoder heads ${HS} does not divide decoder width ${WS}`]
  : never;

/** MAE004: 0 < mask ratio < 1. */
type RatioInRange<R> = [R] extends [number]
  ? IsLiteral<R> extends true
    ? RatioForm<R> extends ['out']
      ? [['mask.ratio', 'mask'], `mask ratio must be > 0 and < 1, got ${R}`]
      : never
    : never
  : never;

/**
 * MAE005: K = floor(L * (1 - r)) >= 1, L = (size / patch)^2. With r = 0.F (n fraction digits),
 * L * (1 - r) >= 1 exactly when X = L * (10^n - F) >= 10^n. The runtime computes K in float64
 * like the official code, so where float64 could round across 1 the type level steps aside:
 * when X = 10^n exactly, and when L * 10^n has more than 15 digits (float64's error could then
 * exceed the smallest possible gap, 10^-n).
 */
type VisiblePatch<P, S, R> = [Int<P>, Int<S>] extends [infer PS extends string, infer SS extends string]
  ? DivMod<SS, PS> extends [infer G extends string, '0']
    ? [R] extends [number]
      ? IsLiteral<R> extends true
        ? RatioForm<R> extends ['in', infer F extends string]
          ? NoVisiblePatch<Mul<G, G>, F> extends true
            ? [['mask.ratio', 'mask', 'image.size', 'encoder.patch'], `mask ratio ${R} leaves no visible patch: floor(${Mul<G, G>} * (1 - ${R})) = 0`]
            : never
          : never
        : never
      : never
    : never
  : never;

/**
 * With a = digits of L and c = digits of C = 10^n - F: X = L * C lies in [10^(a+c-2), 10^(a+c)),
 * so only when a + c = n + 1 must the product be computed.
 */
type NoVisiblePatch<L extends string, F extends string> = Compare<Add<`${Length<L>}`, `${Length<F>}`>, '15'> extends 'gt'
  ? false
  : Sub<PowerOfTen<Length<F>>, StripZeros<F>> extends infer C extends string
    ? Compare<Add<`${Length<L>}`, `${Length<C>}`>, Add<`${Length<F>}`, '1'>> extends infer Order
      ? Order extends 'gt'
        ? false
        : Order extends 'lt'
          ? true
          : Compare<Mul<L, C>, PowerOfTen<Length<F>>> extends 'lt'
            ? true
            : false
      : never
    : never;

/** MAE007 (mlpRatio > 0) and MAE008 (layerNormEps > 0). */
type PositiveNumber<F extends string, Message extends string, N> = [N] extends [number]
  ? IsLiteral<N> extends true
    ? IsPositive<N> extends true
      ? never
      : [[F], `${Message}, got ${N}`]
    : never
  : never;

/** The shape errors of an encoder alone. */
export type EncoderErrors<V extends View> =
  | PositiveInteger<'encoder.patch', 'patch', V['encoder.patch']>
  | PositiveInteger<'encoder.width', 'width', V['encoder.width']>
  | PositiveInteger<'encoder.depth', 'depth', V['encoder.depth']>
  | PositiveInteger<'encoder.heads', 'heads', V['encoder.heads']>
  | HeadsDivideWidth<'encoder', V['encoder.heads'], V['encoder.width']>
  | PositiveNumber<'encoder.mlpRatio', 'mlpRatio must be a positive number', V['encoder.mlpRatio']>;

/** Every shape error of a whole MAE view. */
export type ShapeErrors<V extends View> =
  | EncoderErrors<V>
  | PositiveInteger<'decoder.width', 'decoder width', V['decoder.width']>
  | PositiveInteger<'decoder.depth', 'decoder depth', V['decoder.depth']>
  | PositiveInteger<'decoder.heads', 'decoder heads', V['decoder.heads']>
  | PositiveInteger<'image.size', 'image size', V['image.size']>
  | PositiveInteger<'image.channels', 'image channels', V['image.channels']>
  | PatchDividesSize<V['encoder.patch'], V['image.size']>
  | HeadsDivideWidth<'decoder', V['decoder.heads'], V['decoder.width']>
  | RatioInRange<V['mask.ratio']>
  | VisiblePatch<V['encoder.patch'], V['image.size'], V['mask.ratio']>
  | PositiveNumber<'decoder.mlpRatio', 'decoder mlpRatio must be a positive number', V['decoder.mlpRatio']>
  | PositiveNumber<'layerNormEps', 'layerNormEps must be positive', V['layerNormEps']>;
