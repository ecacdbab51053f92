import * as t from 'io-ts';
import { describe, isRecord } from './describe.ts';
import { strictObject } from './strict.ts';

/**
 * The shape of a spec as JSON or as a value from another module: what mae() accepts, plus the
 * `kind` tags of a resolved spec, so that `JSON.parse(JSON.stringify(spec))` decodes again.
 * Example: `{ "encoder": { "patch": 16, "width": 768, "depth": 12, "heads": 12 }, "mask": 0.75 }`.
 */

const num = t.number;

const strategy = t.keyof({ random: null, block: null, grid: null }, '"random" | "block" | "grid"');

const augment = t.keyof({ none: null, 'crop-fixed': null, crop: null, 'crop+jitter': null }, '"none" | "crop-fixed" | "crop" | "crop+jitter"');

export const encoderCodec = strictObject(
  'an encoder { patch, width, depth, heads, mlpRatio? }',
  { patch: num, width: num, depth: num, heads: num },
  { kind: t.literal('vit'), mlpRatio: num },
);

export const decoderCodec = strictObject('a decoder { width?, depth?, heads?, mlpRatio? }', {}, { width: num, depth: num, heads: num, mlpRatio: num });

const maskObject = strictObject('a mask { ratio, strategy? }', { ratio: num }, { strategy });

/** A mask is its ratio alone, or `{ ratio, strategy? }`. */
export const maskCodec = new t.Type<t.TypeOf<typeof maskObject> | number, t.TypeOf<typeof maskObject> | number, unknown>(
  'a mask',
  (u): u is number | t.TypeOf<typeof maskObject> => typeof u === 'number' || maskObject.is(u),
  (u, c) =>
    typeof u === 'number'
      ? t.success(u)
      : isRecord(u)
        ? maskObject.validate(u, c)
        : t.failure(u, c, `expected a number or a mask { ratio, strategy? }, got ${describe(u)}`),
  t.identity,
);

export const imageCodec = strictObject('an image { size?, channels? }', {}, { size: num, channels: num });

export const maeCodec = strictObject(
  'an MAE spec { encoder, decoder?, mask?, image?, ... }',
  { encoder: encoderCodec },
  {
    kind: t.literal('mae'),
    decoder: decoderCodec,
    mask: maskCodec,
    image: imageCodec,
    normPixLoss: t.boolean,
    layerNormEps: num,
    maskTokensInEncoder: t.boolean,
    augment,
  },
);

export type MaeJson = t.TypeOf<typeof maeCodec>;
