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
 * The type at a dotted path of O, or D where O has no such property. Distributes over unions, so
 * an optional property contributes D alongside its declared type (and then steps aside unless
 * both are the same literal).
 */
export type Get<O, P extends string, D> = O extends unknown
  ? P extends `${infer H}.${infer R}`
    ? H extends keyof O
      ? Get<O[H], R, D>
      : D
    : P extends keyof O
      ? O[P]
      : D
  : never;

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

/**
 * The view of mae()-style options O (or a variant's overrides) laid over a fallback view.
 * A mask given as a bare number is its ratio.
 */
export type ViewOf<O, Fallback extends View> = {
  readonly [K in FieldId]: K extends 'mask.ratio'
    ? Get<O, 'mask', never> extends infer M
      ? [M] extends [never]
        ? Fallback[K]
        : M extends number
          ? M
          : Get<M, 'ratio', Fallback[K]>
      : never
    : Get<O, K, Fallback[K]>;
};

/** What mae(O) will be checked against. */
export type MaeView<O> = ViewOf<O, DefaultView>;

/** What vit(O) will be checked against: only its encoder fields matter. */
export type VitView<O> = ViewOf<{ readonly encoder: O }, DefaultView>;

/** What variant(base, O) will be checked against: the overrides laid over the base's types. */
export type VariantView<B, O> = ViewOf<O, ViewOf<B, NumberView>>;
