import { DEFAULTS } from '../defaults.ts';
import type { MaeOptions } from '../mae.ts';
import { PRETRAIN_AUGMENTS, type MaskStrategy, type PretrainAugment } from '../spec.ts';
import { hasOwn, isRecord } from './describe.ts';

/**
 * Builds options from input that failed structural decoding, so the rules can still look at the
 * fields that did decode and all problems come back at once. A broken number (one at or under a
 * path in `broken`) becomes NaN: every rule stays silent on NaN inputs and the positive-integer
 * rule's complaint about it is dropped by the caller, so a broken field is reported once.
 *
 * Example: `salvage({ encoder: { patch: 'x', width: 768, depth: 12, heads: 5 } }, ['encoder.patch'])`
 * keeps width 768 and heads 5 (so MAE002 still fires) with patch NaN.
 */
export function salvage(input: Readonly<Record<string, unknown>>, broken: readonly string[]): MaeOptions {
  const isBroken = (path: string): boolean => broken.some((b) => b === path || path.startsWith(`${b}.`) || b === '');
  const read = (path: string): unknown => {
    let value: unknown = input;
    for (const key of path.split('.')) value = isRecord(value) && hasOwn(value, key) ? value[key] : undefined;
    return value;
  };
  const number = (path: string, fallback?: number): number | undefined => {
    if (isBroken(path)) return Number.NaN;
    const value = read(path);
    return typeof value === 'number' ? value : fallback;
  };
  const flag = (path: string): boolean | undefined => {
    const value = read(path);
    return !isBroken(path) && typeof value === 'boolean' ? value : undefined;
  };
  const mask = read('mask');
  const strategy = read('mask.strategy');
  const augment = read('augment');
  return {
    encoder: {
      kind: 'vit',
      patch: number('encoder.patch') ?? Number.NaN,
      width: number('encoder.width') ?? Number.NaN,
      depth: number('encoder.depth') ?? Number.NaN,
      heads: number('encoder.heads') ?? Number.NaN,
      mlpRatio: number('encoder.mlpRatio') ?? DEFAULTS.mlpRatio,
    },
    decoder: compact({
      width: number('decoder.width'),
      depth: number('decoder.depth'),
      heads: number('decoder.heads'),
      mlpRatio: number('decoder.mlpRatio'),
    }),
    mask: compact({
      ratio: isBroken('mask') ? Number.NaN : typeof mask === 'number' ? mask : (number('mask.ratio') ?? DEFAULTS.mask.ratio),
      strategy: !isBroken('mask.strategy') && typeof strategy === 'string' ? (strategy as MaskStrategy) : undefined,
    }) as { ratio: number; strategy?: MaskStrategy },
    image: compact({ size: number('image.size'), channels: number('image.channels') }),
    ...compact({
      normPixLoss: flag('normPixLoss'),
      layerNormEps: number('layerNormEps'),
      maskTokensInEncoder: flag('maskTokensInEncoder'),
      augment: !isBroken('augment') && PRETRAIN_AUGMENTS.includes(augment as PretrainAugment) ? (augment as PretrainAugment) : undefined,
    }),
  };
}

/** Drops undefined entries, so that spreading over the defaults keeps them. */
function compact<T extends Record<string, unknown>>(record: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}
