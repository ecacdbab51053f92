import type { ReferenceKind } from './mae.ts';
import { stack, type ReferenceOutputs } from './index.ts';
import type { ModelCase } from './cases.ts';

/**
 * The model configurations the float64 reference checks the lowered programs on (besides the
 * PyTorch fixture), shared by tests/runtime/reference-parity.test.ts (cpu, wasm) and
 * tests/runtime/webgpu.test.ts.
 */
const base = { depth: 1, heads: 2, mlpRatio: 4, decoderDepth: 1, decoderHeads: 2, eps: 1e-6, n: 2 };
export const CASES: readonly (ModelCase & { readonly kinds: readonly ReferenceKind[] })[] = [
  // L = 16, K = 4.
  { ...base, name: 'grey 28x28 patch 7, ratio 0.75, normPixLoss', size: 28, channels: 1, patch: 7, width: 16, depth: 2, decoderWidth: 8, decoderHeads: 1, ratio: 0.75, normPixLoss: true, kinds: ['pretrain', 'symmetric', 'encoder'] },
  // L = 49, 49 * 0.4 = 19.6 -> K = 19.
  { ...base, name: 'grey 28x28 patch 4, ratio 0.6, eps 1e-5, mlpRatio 2, 1 and 4 heads', size: 28, channels: 1, patch: 4, width: 8, heads: 1, mlpRatio: 2, decoderWidth: 12, decoderDepth: 2, decoderHeads: 4, ratio: 0.6, normPixLoss: false, eps: 1e-5, kinds: ['pretrain', 'encoder'] },
  // L = 16, 16 * 0.1 = 1.6 -> K = 1.
  { ...base, name: 'RGB 32x32 patch 8, ratio 0.9, normPixLoss, eps 1e-5, mlpRatio 2, 4 heads', size: 32, channels: 3, patch: 8, width: 16, heads: 4, mlpRatio: 2, decoderWidth: 16, ratio: 0.9, normPixLoss: true, eps: 1e-5, n: 3, kinds: ['pretrain', 'symmetric'] },
  // L = 16, K = 8.
  { ...base, name: '2-channel 16x16 patch 4, ratio 0.5, 2 blocks each side', size: 16, channels: 2, patch: 4, width: 12, depth: 2, decoderWidth: 8, decoderDepth: 2, ratio: 0.5, normPixLoss: false, kinds: ['pretrain', 'symmetric', 'encoder'] },
];

/**
 * cls_token scaled to std ~0.005. Its row enters the first LayerNorm with a variance of about
 * 2.5e-5 (row 0 of the position table is zeros), comparable to eps, so a LayerNorm that
 * ignored or mixed up eps would change the latent far beyond the tolerance; with O(1) rows
 * alone eps moves outputs by only ~eps/2.
 */
export function quietClsToken(values: Map<string, Float32Array>): Map<string, Float32Array> {
  const cls = values.get('cls_token')!;
  values.set('cls_token', cls.map((v) => v * 0.01));
  return values;
}

/** Graph outputs and the reference values they must match. */
export function expectedOutputs(kind: ReferenceKind, ref: ReferenceOutputs): Record<string, Float64Array> {
  const shared = { latent: stack(ref.latent), patch_embed: stack(ref.patchEmbed) };
  if (kind === 'encoder') return shared;
  return { ...shared, pred: stack(ref.pred!), target: stack(ref.target!), loss: Float64Array.of(ref.loss!) };
}
