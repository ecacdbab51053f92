/**
 * Parameter names: official MAE `state_dict` keys and Hugging Face `ViTMAEForPreTraining` keys,
 * one to one except the attention input projection, which official code keeps as one `qkv`
 * matrix `[3D, D]` and HF splits into `query`, `key`, `value` (rows [0,D), [D,2D), [2D,3D)).
 * The renames are tables of data; functions here map single names and detect a file's naming.
 */

/** A file's naming convention. */
export type Naming = 'official' | 'hf';

/** The parts of HF's split qkv, in row order. */
export const QKV_PARTS = ['query', 'key', 'value'] as const;
export type QkvPart = (typeof QKV_PARTS)[number];

/** Whole-model prefixes: official -> HF. */
const TOP: readonly (readonly [string, string])[] = [
  ['cls_token', 'vit.embeddings.cls_token'],
  ['pos_embed', 'vit.embeddings.position_embeddings'],
  ['patch_embed.proj', 'vit.embeddings.patch_embeddings.projection'],
  ['norm', 'vit.layernorm'],
  ['decoder_embed', 'decoder.decoder_embed'],
  ['mask_token', 'decoder.mask_token'],
  ['decoder_pos_embed', 'decoder.decoder_pos_embed'],
  ['decoder_norm', 'decoder.decoder_norm'],
  ['decoder_pred', 'decoder.decoder_pred'],
];

/** Block list prefixes (followed by `.{i}.`): official -> HF. */
const BLOCKS: readonly (readonly [string, string])[] = [
  ['blocks', 'vit.encoder.layer'],
  ['decoder_blocks', 'decoder.decoder_layers'],
];

/** Inside one block: official -> HF (qkv handled apart). */
const INNER: readonly (readonly [string, string])[] = [
  ['norm1', 'layernorm_before'],
  ['norm2', 'layernorm_after'],
  ['attn.proj', 'attention.output.dense'],
  ['mlp.fc1', 'intermediate.dense'],
  ['mlp.fc2', 'output.dense'],
];

const OFFICIAL_QKV = 'attn.qkv';
const HF_QKV = 'attention.attention';

/** First segments of names in either convention: never mistaken for a wrapper prefix. */
const ROOTS = new Set([
  ...TOP.map(([o]) => o.split('.')[0]!),
  ...BLOCKS.map(([o]) => o),
  'vit',
  'decoder',
  'embeddings',
  'encoder',
  'layernorm',
  // the fine-tuning classifier's own parameters (compiler/build/classifier.ts)
  'fc_norm',
  'head',
]);

/**
 * The HF name(s) of an official parameter: one name, or three for a qkv weight or bias;
 * undefined if the name is not an MAE parameter.
 *
 * @example
 * officialToHfNames('blocks.3.norm1.weight') // ['vit.encoder.layer.3.layernorm_before.weight']
 * officialToHfNames('blocks.0.attn.qkv.bias') // ['vit.encoder.layer.0.attention.attention.query.bias', '...key.bias', '...value.bias']
 */
export function officialToHfNames(name: string): string[] | undefined {
  const top = renameTop(name, 0);
  if (top !== undefined) return [top];
  const block = splitBlock(name, 0);
  if (block === undefined) return undefined;
  const qkvSuffix = suffixAfter(block.rest, OFFICIAL_QKV);
  if (qkvSuffix !== undefined) return QKV_PARTS.map((part) => `${block.prefix}${HF_QKV}.${part}${qkvSuffix}`);
  const inner = renameBy(block.rest, INNER, 0);
  return inner === undefined ? undefined : [block.prefix + inner];
}

/**
 * The official name of an HF parameter, with the qkv part it supplies when it is one of
 * query/key/value; undefined if the name is not a ViTMAE parameter. A leading `vit.` may be
 * missing (HF `ViTMAEModel`, the encoder alone).
 *
 * @example
 * hfToOfficialName('decoder.decoder_layers.0.output.dense.bias') // { name: 'decoder_blocks.0.mlp.fc2.bias' }
 * hfToOfficialName('vit.encoder.layer.1.attention.attention.key.weight') // { name: 'blocks.1.attn.qkv.weight', part: 'key' }
 */
export function hfToOfficialName(name: string): { name: string; part?: QkvPart } | undefined {
  const full = /^(embeddings|encoder|layernorm)(\.|$)/.test(name) ? `vit.${name}` : name;
  const top = renameTop(full, 1);
  if (top !== undefined) return { name: top };
  const block = splitBlock(full, 1);
  if (block === undefined) return undefined;
  for (const part of QKV_PARTS) {
    const suffix = suffixAfter(block.rest, `${HF_QKV}.${part}`);
    if (suffix !== undefined) return { name: `${block.prefix}${OFFICIAL_QKV}${suffix}`, part };
  }
  const inner = renameBy(block.rest, INNER, 1);
  return inner === undefined ? undefined : { name: block.prefix + inner };
}

/**
 * The naming a set of keys uses: HF if any key is in the HF layout (`vit.`, `decoder.`, or a
 * bare `ViTMAEModel` key), official otherwise.
 *
 * @example
 * detectNaming(['vit.embeddings.cls_token']) // 'hf'
 * detectNaming(['cls_token', 'blocks.0.norm1.weight']) // 'official'
 */
export function detectNaming(names: Iterable<string>): Naming {
  for (const name of names) {
    if (/^(vit|decoder|embeddings|encoder)\./.test(name) || /^layernorm\./.test(name)) return 'hf';
  }
  return 'official';
}

/**
 * A prefix every key shares that is not part of any MAE name, such as `model.` in `*_full.pth`
 * conversions or `module.` from DistributedDataParallel; '' when there is none. Nested
 * wrappers (`module.model.`) are returned whole.
 *
 * @example
 * wrapperPrefix(['model.cls_token', 'model.norm.weight']) // 'model.'
 * wrapperPrefix(['cls_token', 'model.norm.weight']) // ''
 */
export function wrapperPrefix(names: readonly string[]): string {
  let prefix = '';
  for (;;) {
    const rests = names.map((n) => n.slice(prefix.length));
    const first = rests[0]?.split('.')[0];
    if (first === undefined || ROOTS.has(first)) return prefix;
    if (!rests.every((r) => r.startsWith(`${first}.`) && r.length > first.length + 1)) return prefix;
    prefix += `${first}.`;
  }
}

/** Rename by the top table; `from` picks the column (0 official, 1 HF). */
function renameTop(name: string, from: 0 | 1): string | undefined {
  return renameBy(name, TOP, from);
}

function renameBy(name: string, table: readonly (readonly [string, string])[], from: 0 | 1): string | undefined {
  for (const row of table) {
    const suffix = suffixAfter(name, row[from]);
    if (suffix !== undefined) return row[1 - from] + suffix;
  }
  return undefined;
}

/** `block.prefix` is the other convention's `<list>.<i>.`; `rest` what follows in this one. */
function splitBlock(name: string, from: 0 | 1): { prefix: string; rest: string } | undefined {
  for (const row of BLOCKS) {
    const match = new RegExp(`^${row[from].replaceAll('.', '\\.')}\\.(\\d+)\\.(.+)$`).exec(name);
    if (match !== null) return { prefix: `${row[1 - from]}.${match[1]}.`, rest: match[2]! };
  }
  return undefined;
}

/** '' or '.weight' etc. when `name` is `prefix` or `prefix.<more>`; undefined otherwise. */
function suffixAfter(name: string, prefix: string): string | undefined {
  if (name === prefix) return '';
  return name.startsWith(`${prefix}.`) ? name.slice(prefix.length) : undefined;
}
