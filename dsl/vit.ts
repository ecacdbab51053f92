import { DEFAULTS } from './defaults.ts';
import { deepFreeze } from './freeze.ts';
import type { VitSpec } from './spec.ts';
import type { CheckedVit } from './typelevel/index.ts';

/** What a user writes for an encoder; mlpRatio defaults to 4. */
export interface VitOptions {
  readonly patch: number;
  readonly width: number;
  readonly depth: number;
  readonly heads: number;
  readonly mlpRatio?: number;
}

/** Fills an encoder's defaults without any type-level check; the result is frozen. */
export function resolveVit(options: VitOptions): VitSpec {
  return deepFreeze({
    kind: 'vit' as const,
    patch: options.patch,
    width: options.width,
    depth: options.depth,
    heads: options.heads,
    mlpRatio: options.mlpRatio ?? DEFAULTS.mlpRatio,
  });
}

/**
 * A ViT encoder. Example: `vit({ patch: 4, width: 192, depth: 6, heads: 3 })`.
 * With literal values the compiler rejects a bad encoder at the offending property:
 * `vit({ patch: 16, width: 768, depth: 12, heads: 5 })` fails with
 * `Type 'number' is not assignable to type '"heads 5 does not divide width 768"'`.
 */
export function vit<const O extends VitOptions>(options: CheckedVit<O>): VitSpec & { readonly patch: O['patch'] } {
  return resolveVit(options as VitOptions) as VitSpec & { readonly patch: O['patch'] };
}

/** ViT-Tiny/16: 192 wide, 12 deep, 3 heads. */
export const vitTiny = vit({ patch: 16, width: 192, depth: 12, heads: 3 });
/** ViT-Small/16: 384 wide, 12 deep, 6 heads. */
export const vitSmall = vit({ patch: 16, width: 384, depth: 12, heads: 6 });
/** ViT-Base/16: 768 wide, 12 deep, 12 heads. */
export const vitB = vit({ patch: 16, width: 768, depth: 12, heads: 12 });
/** ViT-Large/16: 1024 wide, 24 deep, 16 heads. */
export const vitL = vit({ patch: 16, width: 1024, depth: 24, heads: 16 });
/** ViT-Huge/14: 1280 wide, 32 deep, 16 heads. */
export const vitH = vit({ patch: 14, width: 1280, depth: 32, heads: 16 });
