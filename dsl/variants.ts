import * as E from 'fp-ts/lib/Either.js';
import type { DecoderOptions, ImageOptions, MaeOptions } from './mae.ts';
import { resolveMae } from './mae.ts';
import type { Problem } from './problem.ts';
import type { MaeSpec, MaskStrategy, PretrainAugment } from './spec.ts';
import type { CheckedVariant } from './typelevel/index.ts';
import { validateSpec } from './validate.ts';
import type { VitOptions } from './vit.ts';

/** Any field of mae()'s options, nested ones included, may be overridden. */
export interface VariantOverrides {
  readonly encoder?: Partial<VitOptions>;
  readonly decoder?: DecoderOptions;
  readonly mask?: number | { readonly ratio?: number; readonly strategy?: MaskStrategy };
  readonly image?: ImageOptions;
  readonly normPixLoss?: boolean;
  readonly layerNormEps?: number;
  readonly maskTokensInEncoder?: boolean;
  readonly augment?: PretrainAugment;
}

/** Lays overrides over a resolved spec, field by field; a bare mask number replaces the ratio. */
export function applyOverrides(base: MaeSpec, overrides: VariantOverrides): MaeSpec {
  const mask = typeof overrides.mask === 'number' ? { ratio: overrides.mask } : overrides.mask;
  const options: MaeOptions = {
    encoder: { ...base.encoder, ...overrides.encoder },
    decoder: { ...base.decoder, ...overrides.decoder },
    mask: { ...base.mask, ...mask },
    image: { ...base.image, ...overrides.image },
    normPixLoss: overrides.normPixLoss ?? base.normPixLoss,
    layerNormEps: overrides.layerNormEps ?? base.layerNormEps,
    maskTokensInEncoder: overrides.maskTokensInEncoder ?? base.maskTokensInEncoder,
    augment: overrides.augment ?? base.augment,
  };
  return resolveMae(options);
}

/**
 * A spec derived from `base` by overriding any fields; frozen and resolved. Literal overrides
 * are type-checked like a hand-written spec, against the base's field types where those are
 * literal: `variant(base, { decoder: { width: 500 } })` fails at compile time because the
 * default 16 decoder heads do not divide 500. Check the runtime verdict with validateSpec(),
 * or use tryVariant().
 *
 * Example: `variant(maeVitB, { mask: 0.5, decoder: { depth: 1 } })`.
 */
export function variant<const B extends MaeSpec, const O extends VariantOverrides>(base: B, overrides: CheckedVariant<B, O>): MaeSpec {
  return applyOverrides(base, overrides as VariantOverrides);
}

/**
 * variant() with the runtime verdict: the derived spec, or every problem it has.
 * Example: `tryVariant(maeVitB, { mask: ratio })` with `ratio = 1` is a left with MAE004.
 */
export function tryVariant<const B extends MaeSpec, const O extends VariantOverrides>(
  base: B,
  overrides: CheckedVariant<B, O>,
): E.Either<readonly Problem[], MaeSpec> {
  const spec = applyOverrides(base, overrides as VariantOverrides);
  const problems = validateSpec(spec);
  return problems.length > 0 ? E.left(problems) : E.right(spec);
}

/** A grid axis: a dotted field path (`'mask.ratio'`, `'decoder.depth'`; `'mask'` is the ratio too). */
export interface GridAxes {
  readonly 'encoder.patch'?: readonly number[];
  readonly 'encoder.width'?: readonly number[];
  readonly 'encoder.depth'?: readonly number[];
  readonly 'encoder.heads'?: readonly number[];
  readonly 'encoder.mlpRatio'?: readonly number[];
  readonly 'decoder.width'?: readonly number[];
  readonly 'decoder.depth'?: readonly number[];
  readonly 'decoder.heads'?: readonly number[];
  readonly 'decoder.mlpRatio'?: readonly number[];
  readonly mask?: readonly number[];
  readonly 'mask.ratio'?: readonly number[];
  readonly 'mask.strategy'?: readonly MaskStrategy[];
  readonly 'image.size'?: readonly number[];
  readonly 'image.channels'?: readonly number[];
  readonly normPixLoss?: readonly boolean[];
  readonly layerNormEps?: readonly number[];
  readonly maskTokensInEncoder?: readonly boolean[];
  readonly augment?: readonly PretrainAugment[];
}

/** One point of a grid: its name, its spec, and what validateSpec says about it. */
export interface GridPoint {
  readonly name: string;
  readonly spec: MaeSpec;
  readonly problems: readonly Problem[];
}

type Setting = readonly [path: string, value: number | boolean | string];

/**
 * Expands a grid of overrides over `base`: the cartesian product of the axes, the first axis
 * varying slowest, each value list taken in order with repeats dropped. Each point is named
 * `label=value` per axis, joined by `,`, in the order the axes were written; the label is the
 * field path, except that the mask ratio (`'mask.ratio'` or `'mask'`) shows as `mask`. Values
 * print as JavaScript prints them (`0.5`, `true`, `block`). A point that breaks a rule carries
 * its problems; an empty axis gives an empty grid; no axes give the base alone, named ``.
 *
 * Example: `grid(base, { 'mask.ratio': [0.5, 0.75], 'decoder.depth': [1, 8] })` names its four
 * points `mask=0.5,decoder.depth=1`, `mask=0.5,decoder.depth=8`, `mask=0.75,decoder.depth=1`,
 * `mask=0.75,decoder.depth=8`.
 */
export function grid(base: MaeSpec, axes: GridAxes): readonly GridPoint[] {
  const lists = Object.entries(axes)
    .filter((entry): entry is [string, readonly (number | boolean | string)[]] => entry[1] !== undefined)
    .map(([path, values]) => [...new Set(values)].map((value): Setting => [path, value]));
  const combos = lists.reduce<Setting[][]>((acc, list) => acc.flatMap((combo) => list.map((s) => [...combo, s])), [[]]);
  return Object.freeze(
    combos.map((combo) => {
      const spec = applyOverrides(base, overridesOf(combo));
      return Object.freeze({ name: combo.map(([path, value]) => `${label(path)}=${String(value)}`).join(','), spec, problems: validateSpec(spec) });
    }),
  );
}

function label(path: string): string {
  return path === 'mask.ratio' ? 'mask' : path;
}

function overridesOf(settings: readonly Setting[]): VariantOverrides {
  const out: Record<string, unknown> = {};
  for (const [path, value] of settings) {
    const [head, field] = path === 'mask' ? ['mask', 'ratio'] : path.split('.');
    if (head === undefined) continue;
    if (field === undefined) out[head] = value;
    else out[head] = { ...(out[head] as object | undefined), [field]: value };
  }
  return out as VariantOverrides;
}
