import * as t from 'io-ts';

/**
 * The IR's JSON shape as io-ts codecs, mirroring compiler/ir/types.ts. A compile-time check
 * below keeps the two in step: a new op in types.ts that is missing here fails `tsc`.
 */
const dim = t.union([t.number, t.literal('N')]);
const shape = t.readonlyArray(dim);
const dtype = t.union([t.literal('float32'), t.literal('int32')]);

const init = t.union([
  t.type({ kind: t.literal('xavierUniform'), fanIn: t.number, fanOut: t.number }),
  t.type({ kind: t.literal('normal'), std: t.number }),
  t.type({ kind: t.literal('zeros') }),
  t.type({ kind: t.literal('ones') }),
  t.type({ kind: t.literal('sincos2d'), grid: t.number, dim: t.number }),
]);

const param = t.type({
  name: t.string,
  shape: t.readonlyArray(t.number),
  init,
  trainable: t.boolean,
  decay: t.boolean,
  module: t.string,
  part: t.union([t.literal('encoder'), t.literal('decoder')]),
  layer: t.number,
});

const bare = <K extends string>(kind: K) => t.type({ kind: t.literal(kind) });

const op = t.union([
  t.type({ kind: t.literal('input'), name: t.union([t.literal('imgs'), t.literal('noise'), t.literal('labels'), t.literal('features')]) }),
  t.type({ kind: t.literal('param'), name: t.string }),
  t.type({ kind: t.literal('patchify'), patch: t.number, order: t.union([t.literal('hwc'), t.literal('chw')]) }),
  bare('linear'),
  t.type({ kind: t.literal('layerNorm'), eps: t.number }),
  t.type({ kind: t.literal('attention'), heads: t.number }),
  bare('gelu'),
  bare('add'),
  t.type({ kind: t.literal('sliceTokens'), start: t.number, end: t.number }),
  bare('concatTokens'),
  t.type({ kind: t.literal('expandTokens'), count: t.number }),
  bare('argsort'),
  bare('gatherTokens'),
  t.type({ kind: t.literal('maskFromRestore'), keep: t.number }),
  bare('maskReplace'),
  t.type({ kind: t.literal('normalizePatches'), eps: t.number }),
  bare('maskedMse'),
  bare('crossEntropy'),
  bare('meanTokens'),
  t.type({ kind: t.literal('dropPath'), rate: t.number }),
]);

const node = t.type({ id: t.string, op, inputs: t.readonlyArray(t.string), shape, dtype });

const meta = t.type({
  imageSize: t.number,
  channels: t.number,
  patch: t.number,
  grid: t.number,
  numPatches: t.number,
  numVisible: t.number,
  encoderWidth: t.number,
  encoderDepth: t.number,
  decoderWidth: t.number,
  decoderDepth: t.number,
  normPixLoss: t.boolean,
});

export const graphCodec = t.type({
  kind: t.union([t.literal('pretrain'), t.literal('symmetric'), t.literal('encoder'), t.literal('head')]),
  meta,
  nodes: t.readonlyArray(node),
  params: t.readonlyArray(param),
  outputs: t.record(t.string, t.string),
});
