/**
 * Whole checkpoints between Hugging Face and official naming. Official -> HF splits each
 * `qkv` matrix `[3D, ...]` into `query`, `key`, `value` `[D, ...]` by rows; HF -> official
 * concatenates them back in that order. Any Hugging Face layout of names.ts is read (the file's
 * is detected); `hf4` is written unless another is asked for.
 */
import { formatShape, shapeSize } from '../io/dtypes.ts';
import { detectHfLayout, hfToOfficialName, officialToHfNames, QKV_PARTS, type HfLayout, type QkvPart } from './names.ts';
import { WeightsError, type WeightProblem } from './problems.ts';

/** A float32 array with its shape. */
export interface NamedArray {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** A converted tensor remembering the key(s) it came from, for messages. */
export interface SourcedArray extends NamedArray {
  readonly source: string;
}

/** Result of renaming an HF checkpoint: official-named tensors, keys that are not ViTMAE parameters (in the file's layout), and qkv problems. */
export interface HfConversion {
  readonly layout: HfLayout;
  readonly tensors: Map<string, SourcedArray>;
  readonly unknown: string[];
  readonly problems: WeightProblem[];
}

/**
 * Renames HF `ViTMAEForPreTraining` tensors to official names, merging query/key/value into qkv.
 * The layout is the one naming most keys (detectHfLayout) unless given. Incomplete or
 * inconsistent q/k/v triples are problems; keys that layout does not name are listed in
 * `unknown` (the caller decides whether they matter).
 *
 * @example
 * const { tensors } = hfToOfficial(new Map([['vit.layernorm.weight', { shape: [64], data }]]));
 * tensors.get('norm.weight')?.source // 'vit.layernorm.weight'
 */
export function hfToOfficial(hf: ReadonlyMap<string, NamedArray>, layout: HfLayout = detectHfLayout(hf.keys())): HfConversion {
  const tensors = new Map<string, SourcedArray>();
  const unknown: string[] = [];
  const problems: WeightProblem[] = [];
  const triples = new Map<string, Map<QkvPart, SourcedArray>>();
  for (const [key, array] of hf) {
    const mapped = hfToOfficialName(key, layout);
    if (mapped === undefined) unknown.push(key);
    else if (mapped.part === undefined) tensors.set(mapped.name, { ...array, source: key });
    else {
      const triple = triples.get(mapped.name) ?? new Map<QkvPart, SourcedArray>();
      triple.set(mapped.part, { ...array, source: key });
      triples.set(mapped.name, triple);
    }
  }
  for (const [name, triple] of triples) {
    const merged = mergeQkv(name, triple);
    if ('problem' in merged) problems.push(merged.problem);
    else tensors.set(name, merged);
  }
  return { layout, tensors, unknown, problems };
}

/**
 * Renames official tensors to HF names (`layout`, default `hf4`), splitting every qkv into
 * query/key/value. Throws
 * `WeightsError` for a name that is not an MAE parameter or a qkv whose rows do not divide by 3.
 *
 * @example
 * officialToHf(new Map([['blocks.0.attn.qkv.bias', { shape: [192], data }]])).get('vit.encoder.layer.0.attention.attention.key.bias')?.shape // [64]
 */
export function officialToHf(official: ReadonlyMap<string, NamedArray>, source = '<weights>', layout: HfLayout = 'hf4'): Map<string, NamedArray> {
  const out = new Map<string, NamedArray>();
  const problems: WeightProblem[] = [];
  for (const [name, array] of official) {
    const names = officialToHfNames(name, layout);
    if (names === undefined) {
      problems.push({ code: 'unexpected', name, message: 'not an MAE parameter name, so it has no Hugging Face name' });
      continue;
    }
    if (names.length === 1) {
      out.set(names[0]!, array);
      continue;
    }
    const rows = array.shape[0] ?? 0;
    if (array.shape.length === 0 || rows % 3 !== 0) {
      problems.push({ code: 'qkv', name, message: `expected a qkv shape [3D, ...], found ${formatShape(array.shape)}` });
      continue;
    }
    const shape = [rows / 3, ...array.shape.slice(1)]; // [D, ...]
    const n = shapeSize(shape);
    names.forEach((hfName, i) => out.set(hfName, { shape, data: array.data.slice(i * n, (i + 1) * n) }));
  }
  if (problems.length > 0) throw new WeightsError(source, problems);
  return out;
}

/** query, key, value `[D, ...]` each -> qkv `[3D, ...]`. */
function mergeQkv(name: string, triple: ReadonlyMap<QkvPart, SourcedArray>): SourcedArray | { problem: WeightProblem } {
  const parts = QKV_PARTS.map((p) => triple.get(p));
  const present = QKV_PARTS.filter((p) => triple.has(p));
  const sources = [...triple.values()].map((a) => a.source).join(', ');
  if (present.length < 3) {
    const absent = QKV_PARTS.filter((p) => !triple.has(p));
    return { problem: { code: 'qkv', name, message: `needs query, key and value; found ${present.join(', ')} (${sources}) but no ${absent.join(', ')}` } };
  }
  const [q, k, v] = parts as [SourcedArray, SourcedArray, SourcedArray];
  const shape = q.shape;
  if (shape.length === 0 || ![k, v].every((a) => formatShape(a.shape) === formatShape(shape))) {
    return { problem: { code: 'qkv', name, message: `query, key and value must share one shape [D, ...], found ${formatShape(q.shape)}, ${formatShape(k.shape)}, ${formatShape(v.shape)}` } };
  }
  const data = new Float32Array(q.data.length * 3);
  data.set(q.data, 0);
  data.set(k.data, q.data.length);
  data.set(v.data, 2 * q.data.length);
  const source = braceJoin([q.source, k.source, v.source]);
  return { shape: [shape[0]! * 3, ...shape.slice(1)], data, source }; // [3D, ...]
}

/** `a.{query,key,value}.weight`: the names with their common start and end written once. */
function braceJoin(names: readonly string[]): string {
  const first = names[0]!;
  let start = 0;
  while (start < first.length && names.every((n) => n[start] === first[start])) start++;
  let end = 0;
  const shortest = Math.min(...names.map((n) => n.length));
  while (end < shortest - start && names.every((n) => n[n.length - 1 - end] === first[first.length - 1 - end])) end++;
  return `${first.slice(0, start)}{${names.map((n) => n.slice(start, n.length - end)).join(',')}}${first.slice(first.length - end)}`;
}
