/**
 * The flat view of a spec that the type-level checks read: one entry per checked field, holding
 * the field's type (a literal such as `16`, or `number` when nothing literal is known).
 *
 * Example: `MaeView<{ encoder: typeof vitB; mask: 0.9 }>['mask.ratio']` is `0.9`, and its
 * `'image.size'` is the default `224`.
 */
export interface View {
  readonly 'encoder.patch': unknown;
  readonly 'encoder.width': unknown;
  readonly 'encoder.depth': unknown;
  readonly 'encoder.heads': unknown;
  readonly 'encoder.mlpRatio': unknown;
  readonly 'decoder.width': unknown;
  readonly 'decoder.depth': unknown;
  readonly 'decoder.heads': unknown;
  readonly 'decoder.mlpRatio': unknown;
  readonly 'mask.ratio': unknown;
  readonly 'image.size': unknown;
  readonly 'image.channels': unknown;
  readonly layerNormEps: unknown;
}

export type FieldId = keyof View;

/**
 * The type of O[A][B], or D where O has no such property. A property whose type is a union
 * (an optional one, say) shares no key with `undefined`, so it reads as D: the defaults are
 * sound together, so this can only make the type level accept, never reject.
 */
type At<O, A extends string, B extends string, D> = A extends keyof O ? (B extends keyof O[A] ? O[A][B] : D) : D;

type Top<O, A extends string, D> = A extends keyof O ? O[A] : D;

/** A mask written as a bare number is its ratio. */
type MaskRatio<O, D> = 'mask' extends keyof O
  ? O['mask' & keyof O] extends infer M
    ? M extends number
      ? M
      : 'ratio' extends keyof M
        ? M['ratio' & keyof M]
        : D
    : D
  : D;

/** The defaults of dsl/defaults.ts as literal types (mask ratio 0.75, decoder 512/8/16, image 224). */
export interface DefaultView extends View {
  readonly 'encoder.patch': number;
  readonly 'encoder.width': number;
  readonly 'encoder.depth': number;
  readonly 'encoder.heads': number;
  readonly 'encoder.mlpRatio': 4;
  readonly 'decoder.width': 512;
  readonly 'decoder.depth': 8;
  readonly 'decoder.heads': 16;
  readonly 'decoder.mlpRatio': 4;
  readonly 'mask.ratio': 0.75;
  readonly 'image.size': 224;
  readonly 'image.channels': 3;
  readonly layerNormEps: 1e-6;
}

/** A view where nothing literal is known; every check steps aside. */
export type NumberView = { readonly [K in FieldId]: number };

/** The view of mae()-style options O (or a variant's overrides) laid over a fallback view F. */
export interface ViewOf<O, F extends View> extends View {
  readonly 'encoder.patch': At<O, 'encoder', 'patch', F['encoder.patch']>;
  readonly 'encoder.width': At<O, 'encoder', 'width', F['encoder.width']>;
  readonly 'encoder.depth': At<O, 'encoder', 'depth', F['encoder.depth']>;
  readonly 'encoder.heads': At<O, 'encoder', 'heads', F['encoder.heads']>;
  readonly 'encoder.mlpRatio': At<O, 'encoder', 'mlpRatio', F['encoder.mlpRatio']>;
  readonly 'decoder.width': At<O, 'decoder', 'width', F['decoder.width']>;
  readonly 'decoder.depth': At<O, 'decoder', 'depth', F['decoder.depth']>;
  readonly 'decoder.heads': At<O, 'decoder', 'heads', F['decoder.heads']>;
  readonly 'decoder.mlpRatio': At<O, 'decoder', 'mlpRatio', F['decoder.mlpRatio']>;
  readonly 'mask.ratio': MaskRatio<O, F['mask.ratio']>;
  readonly 'image.size': At<O, 'image', 'size', F['image.size']>;
  readonly 'image.channels': At<O, 'image', 'channels', F['image.channels']>;
  readonly layerNormEps: Top<O, 'layerNormEps', F['layerNormEps']>;
}

/** What mae(O) will be checked against. */
export type MaeView<O> = ViewOf<O, DefaultView>;

/** What vit(O) will be checked against: only its encoder fields matter. */
export type VitView<O> = ViewOf<{ readonly encoder: O }, DefaultView>;

/** What variant(base, O) will be checked against: the overrides laid over the base's types. */
export type VariantView<B, O> = ViewOf<O, ViewOf<B, NumberView>>;
