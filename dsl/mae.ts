import { DEFAULTS } from './defaults.ts';
import { deepFreeze } from './freeze.ts';
import type { MaeSpec, MaskStrategy, PretrainAugment, VitSpec } from './spec.ts';
import type { CheckedMae } from './typelevel/index.ts';

export interface DecoderOptions {
  readonly width?: number;
  readonly depth?: number;
  readonly heads?: number;
  readonly mlpRatio?: number;
}

export type MaskOptions = number | { readonly ratio: number; readonly strategy?: MaskStrategy };

export interface ImageOptions {
  readonly size?: number;
  readonly channels?: number;
}

export interface MaeOptions {
  readonly encoder: VitSpec;
  readonly decoder?: DecoderOptions;
  readonly mask?: MaskOptions;
  readonly image?: ImageOptions;
  readonly normPixLoss?: boolean;
  readonly layerNormEps?: number;
  readonly maskTokensInEncoder?: boolean;
  readonly augment?: PretrainAugment;
}

/** Fills every default of a user's options; the result is a frozen, resolved spec. */
export function resolveMae(options: MaeOptions): MaeSpec {
  const mask: { ratio?: number; strategy?: MaskStrategy } =
    typeof options.mask === 'number' ? { ratio: options.mask } : (options.mask ?? {});
  return deepFreeze({
    kind: 'mae' as const,
    encoder: { ...options.encoder },
    decoder: { ...DEFAULTS.decoder, ...options.decoder },
    mask: { ratio: mask.ratio ?? DEFAULTS.mask.ratio, strategy: mask.strategy ?? DEFAULTS.mask.strategy },
    image: { ...DEFAULTS.image, ...options.image },
    normPixLoss: options.normPixLoss ?? DEFAULTS.normPixLoss,
    layerNormEps: options.layerNormEps ?? DEFAULTS.layerNormEps,
    maskTokensInEncoder: options.maskTokensInEncoder ?? DEFAULTS.maskTokensInEncoder,
    augment: options.augment ?? DEFAULTS.augment,
  });
}

/**
 * A masked autoencoder. Example, the official MAE ViT-L/16:
 * `mae({ encoder: vitL, decoder: { depth: 8 }, mask: 0.75 })`.
 * With literal values the compiler rejects a bad spec at the offending property:
 * `mae({ encoder: vitB, image: { size: 225 } })` fails with
 * `Type '225' is not assignable to type '"patch 16 does not divide image size 225"'`.
 * Values typed plain `number` are left to validateSpec().
 */
export function mae<const O extends MaeOptions>(options: CheckedMae<O>): MaeSpec {
  return resolveMae(options as MaeOptions);
}
