/**
 * Parameter names. maec's parameters carry the official MAE `state_dict` names
 * (facebookresearch/mae); a checkpoint may use those or one of the Hugging Face ViTMAE layouts:
 *
 * - `hf4`: transformers 4.x `ViTMAEForPreTraining` (the checkpoints on the Hub), also what
 *   transformers 5.x reads and writes for the encoder;
 * - `hf5-saved`: what transformers 5.x `save_pretrained` writes: the 4.x names, except that
 *   decoder blocks come out as `decoder.decoder_encoder.layer.{i}` (5.x renames `encoder.layer.`
 *   to `layers.` on load and back on save, which also catches `decoder_layers.`);
 * - `hf5-module`: transformers 5.x module names, what `model.state_dict()` holds and a plain
 *   `torch.save` or `safetensors.torch.save_file` writes (`vit.layers.{i}.attention.q_proj`, ...).
 *
 * Each layout is one row of LAYOUTS below: data, not code. Official names keep attention's input
 * projection as one `qkv` matrix `[3D, D]`; every Hugging Face layout splits it into query, key,
 * value (rows [0,D), [D,2D), [2D,3D)). The functions here map single names and find a file's
 * layout.
 */

/** A file's naming convention: official, or any Hugging Face layout. */
export type Naming = 'official' | 'hf';

/** The Hugging Face layouts maec reads (see the module comment); `hf4` is the one it writes. */
export type HfLayout = 'hf4' | 'hf5-saved' | 'hf5-module';
export const HF_LAYOUTS: readonly HfLayout[] = ['hf4', 'hf5-saved', 'hf5-module'];

/** The parts of HF's split qkv, in row order. */
export const QKV_PARTS = ['query', 'key', 'value'] as const;
export type QkvPart = (typeof QKV_PARTS)[number];

type Pairs = readonly (readonly [official: string, hf: string])[];

/** How one Hugging Face layout spells every official name. */
interface LayoutRules {
  /** Whole-model names and prefixes outside the blocks. */
  readonly top: Pairs;
  /** Block lists, each followed by `.{i}.`. */
  readonly blocks: Pairs;
  /** Inside one block (the qkv is apart). */
  readonly inner: Pairs;
  /** Inside one block: official `attn.qkv` -> query, key, value in this layout. */
  readonly qkv: Readonly<Record<QkvPart, string>>;
}

const TOP: Pairs = [
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

const INNER_4: Pairs = [
  ['norm1', 'layernorm_before'],
  ['norm2', 'layernorm_after'],
  ['attn.proj', 'attention.output.dense'],
  ['mlp.fc1', 'intermediate.dense'],
  ['mlp.fc2', 'output.dense'],
];
const QKV_4 = { query: 'attention.attention.query', key: 'attention.attention.key', value: 'attention.attention.value' };

/** The table of name rules: one row per Hugging Face layout. */
const LAYOUTS: Readonly<Record<HfLayout, LayoutRules>> = {
  hf4: {
    top: TOP,
    blocks: [['blocks', 'vit.encoder.layer'], ['decoder_blocks', 'decoder.decoder_layers']],
    inner: INNER_4,
    qkv: QKV_4,
  },
  'hf5-saved': {
    top: TOP,
    blocks: [['blocks', 'vit.encoder.layer'], ['decoder_blocks', 'decoder.decoder_encoder.layer']],
    inner: INNER_4,
    qkv: QKV_4,
  },
  'hf5-module': {
    top: TOP,
    blocks: [['blocks', 'vit.layers'], ['decoder_blocks', 'decoder.decoder_layers']],
    inner: [
      ['norm1', 'layernorm_before'],
      ['norm2', 'layernorm_after'],
      ['attn.proj', 'attention.o_proj'],
      ['mlp.fc1', 'mlp.fc1'],
      ['mlp.fc2', 'mlp.fc2'],
    ],
    qkv: { query: 'attention.q_proj', key: 'attention.k_proj', value: 'attention.v_proj' },
  },
};

const OFFICIAL_QKV = 'attn.qkv';

/** First segments of a bare `ViTMAEModel` key (the encoder alone, no `vit.`), 4.x and 5.x. */
const BARE_ENCODER = /^(embeddings|encoder|layers|layernorm)(\.|$)/;

/** First segments of names in any convention: never mistaken for a wrapper prefix. */
const ROOTS = new Set([
  ...TOP.map(([o]) => o.split('.')[0]!),
  'blocks',
  'decoder_blocks',
  'vit',
  'decoder',
  'embeddings',
  'encoder',
  'layers',
  'layernorm',
  // the fine-tuning classifier's own parameters (compiler/build/classifier.ts)
  'fc_norm',
  'head',
]);

/**
 * The names of an official parameter in a Hugging Face layout (default `hf4`): one name, or
 * three for a qkv weight or bias; undefined if the name is not an MAE parameter.
 *
 * @example
 * officialToHfNames('blocks.3.norm1.weight') // ['vit.encoder.layer.3.layernorm_before.weight']
 * officialToHfNames('blocks.0.attn.qkv.bias') // ['vit.encoder.layer.0.attention.attention.query.bias', '...key.bias', '...value.bias']
 * officialToHfNames('blocks.0.attn.proj.bias', 'hf5-module') // ['vit.layers.0.attention.o_proj.bias']
 */
export function officialToHfNames(name: string, layout: HfLayout = 'hf4'): string[] | undefined {
  const rules = LAYOUTS[layout];
  const top = renameBy(name, rules.top, 0);
  if (top !== undefined) return [top];
  const block = splitBlock(name, rules.blocks, 0);
  if (block === undefined) return undefined;
  const qkvSuffix = suffixAfter(block.rest, OFFICIAL_QKV);
  if (qkvSuffix !== undefined) return QKV_PARTS.map((part) => `${block.prefix}${rules.qkv[part]}${qkvSuffix}`);
  const inner = renameBy(block.rest, rules.inner, 0);
  return inner === undefined ? undefined : [block.prefix + inner];
}

/**
 * The official name of a Hugging Face parameter, with the qkv part it supplies when it is one of
 * query/key/value; undefined if the name is not a ViTMAE parameter in `layout` (or, without
 * `layout`, in any Hugging Face layout, tried in the order of HF_LAYOUTS). A leading `vit.` may
 * be missing (`ViTMAEModel`, the encoder alone).
 *
 * @example
 * hfToOfficialName('decoder.decoder_layers.0.output.dense.bias') // { name: 'decoder_blocks.0.mlp.fc2.bias' }
 * hfToOfficialName('vit.encoder.layer.1.attention.attention.key.weight') // { name: 'blocks.1.attn.qkv.weight', part: 'key' }
 * hfToOfficialName('vit.layers.1.attention.k_proj.weight') // { name: 'blocks.1.attn.qkv.weight', part: 'key' }
 */
export function hfToOfficialName(name: string, layout?: HfLayout): { name: string; part?: QkvPart } | undefined {
  if (layout === undefined) {
    for (const l of HF_LAYOUTS) {
      const found = hfToOfficialName(name, l);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  const rules = LAYOUTS[layout];
  const full = BARE_ENCODER.test(name) ? `vit.${name}` : name;
  const top = renameBy(full, rules.top, 1);
  if (top !== undefined) return { name: top };
  const block = splitBlock(full, rules.blocks, 1);
  if (block === undefined) return undefined;
  for (const part of QKV_PARTS) {
    const suffix = suffixAfter(block.rest, rules.qkv[part]);
    if (suffix !== undefined) return { name: `${block.prefix}${OFFICIAL_QKV}${suffix}`, part };
  }
  const inner = renameBy(block.rest, rules.inner, 1);
  return inner === undefined ? undefined : { name: block.prefix + inner };
}

/**
 * The naming a set of keys uses: HF if any key is in a Hugging Face layout (`vit.`, `decoder.`,
 * or a bare `ViTMAEModel` key), official otherwise.
 *
 * @example
 * detectNaming(['vit.embeddings.cls_token']) // 'hf'
 * detectNaming(['cls_token', 'blocks.0.norm1.weight']) // 'official'
 */
export function detectNaming(names: Iterable<string>): Naming {
  for (const name of names) {
    if (/^(vit|decoder)\./.test(name) || BARE_ENCODER.test(name)) return 'hf';
  }
  return 'official';
}

/**
 * The Hugging Face layout that names the most of `names` (the first of HF_LAYOUTS on a tie);
 * keys it does not name are then not ViTMAE parameters of that file.
 *
 * @example
 * detectHfLayout(['vit.layers.0.mlp.fc1.weight']) // 'hf5-module'
 * detectHfLayout(['decoder.decoder_encoder.layer.0.output.dense.bias', 'vit.layernorm.bias']) // 'hf5-saved'
 */
export function detectHfLayout(names: Iterable<string>): HfLayout {
  const keys = [...names];
  let best: HfLayout = HF_LAYOUTS[0]!;
  let bestCount = -1;
  for (const layout of HF_LAYOUTS) {
    const count = keys.filter((k) => hfToOfficialName(k, layout) !== undefined).length;
    if (count > bestCount) [best, bestCount] = [layout, count];
  }
  return best;
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

/** Rename by a table; `from` picks the column (0 official, 1 HF). */
function renameBy(name: string, table: Pairs, from: 0 | 1): string | undefined {
  for (const row of table) {
    const suffix = suffixAfter(name, row[from]);
    if (suffix !== undefined) return row[1 - from] + suffix;
  }
  return undefined;
}

/** `block.prefix` is the other convention's `<list>.<i>.`; `rest` what follows in this one. */
function splitBlock(name: string, table: Pairs, from: 0 | 1): { prefix: string; rest: string } | undefined {
  for (const row of table) {
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
