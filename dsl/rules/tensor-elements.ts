import { mlpHidden } from '../derived.ts';
import { LIMITS } from '../limits.ts';
import type { Problem } from '../problem.ts';
import type { MaeSpec } from '../spec.ts';
import { defineRule, isPositiveInt, problemOf } from './rule.ts';

/** A tensor the model will hold: the field that sizes it most, its name in the IR, its shape. */
type Tensor = readonly [path: string, name: string, shape: readonly number[]];

/**
 * The tensors of the built graphs that can grow past LIMITS.tensorElements while every field is
 * within its maximum: those that scale with the token count T = 1 + L (one image's worth for
 * activations; fine-tuning and the symmetric baseline run all L patches through the encoder)
 * or with the patch size, and the widest weights.
 */
function tensorsOf(spec: MaeSpec): readonly Tensor[] {
  const { patch: p, width: D, heads } = spec.encoder;
  const { width: Dd, heads: decoderHeads } = spec.decoder;
  const { size, channels: C } = spec.image;
  const L = (size / p) ** 2;
  const T = 1 + L;
  const H = mlpHidden(D, spec.encoder.mlpRatio);
  const Hd = mlpHidden(Dd, spec.decoder.mlpRatio);
  return [
    ['image.size', 'imgs (one image)', [C, size, size]],
    ['encoder.patch', 'patch_embed.proj.weight', [D, C, p, p]],
    ['encoder.patch', 'decoder_pred.weight', [p * p * C, Dd]],
    ['encoder.patch', 'pos_embed', [1, T, D]],
    ['encoder.patch', 'decoder_pos_embed', [1, T, Dd]],
    ['encoder.patch', 'blocks.*.attn.qkv (one image)', [T, 3 * D]],
    ['encoder.patch', 'blocks.*.attn.core probabilities (one image)', [heads, T, T]],
    ['encoder.patch', 'blocks.*.mlp.fc1 (one image)', [T, H]],
    ['encoder.patch', 'decoder_blocks.*.attn.qkv (one image)', [T, 3 * Dd]],
    ['encoder.patch', 'decoder_blocks.*.attn.core probabilities (one image)', [decoderHeads, T, T]],
    ['encoder.patch', 'decoder_blocks.*.mlp.fc1 (one image)', [T, Hd]],
    ['encoder.width', 'blocks.*.attn.qkv.weight', [3 * D, D]],
    ['encoder.mlpRatio', 'blocks.*.mlp.fc1.weight', [H, D]],
    ['decoder.width', 'decoder_embed.weight', [Dd, D]],
    ['decoder.width', 'decoder_blocks.*.attn.qkv.weight', [3 * Dd, Dd]],
    ['decoder.mlpRatio', 'decoder_blocks.*.mlp.fc1.weight', [Hd, Dd]],
  ];
}

/** Whether every field tensorsOf reads is as the other rules require, so its products are exact. */
function measurable(spec: MaeSpec): boolean {
  const { encoder: e, decoder: d, image: i } = spec;
  const bounded = (n: number, max: number) => isPositiveInt(n) && n <= max;
  const hiddenOk = (width: number, ratio: number) => Number.isFinite(ratio) && ratio > 0 && bounded(mlpHidden(width, ratio), LIMITS.mlpHidden);
  return (
    bounded(e.patch, LIMITS.patch) &&
    bounded(i.size, LIMITS.imageSize) &&
    bounded(i.channels, LIMITS.channels) &&
    i.size % e.patch === 0 &&
    bounded(e.width, LIMITS.width) &&
    bounded(d.width, LIMITS.width) &&
    bounded(e.heads, LIMITS.heads) &&
    bounded(d.heads, LIMITS.heads) &&
    hiddenOk(e.width, e.mlpRatio) &&
    hiddenOk(d.width, d.mlpRatio)
  );
}

/**
 * MAE011: no tensor of the model holds more than LIMITS.tensorElements (2^31 - 1) elements:
 * no parameter, and no activation of one image. Within the field maxima this is the token
 * count's rule: a patch of 1 on a 1024-pixel image makes 2^20 tokens, and one attention matrix
 * of them 2^40 values. One problem per field, for its largest tensor. Silent where MAE001,
 * MAE006, MAE007, MAE009 or MAE010 already reports a field it reads. Example problem:
 * `encoder.patch: expected at most 2147483647 elements in a tensor, got 17592219598864 in decoder_blocks.*.attn.core probabilities (one image) [16, 1048577, 1048577]`.
 */
export const tensorElements = defineRule({
  code: 'MAE011',
  name: 'tensor-elements',
  description: `No parameter tensor and no activation of one image holds more than ${LIMITS.tensorElements} (2^31 - 1) elements.`,
  check(spec): readonly Problem[] {
    if (!measurable(spec)) return [];
    const worst = new Map<string, { name: string; shape: readonly number[]; elements: number }>();
    for (const [path, name, shape] of tensorsOf(spec)) {
      const elements = shape.reduce((a, b) => a * b, 1);
      if (elements > LIMITS.tensorElements && elements > (worst.get(path)?.elements ?? 0)) worst.set(path, { name, shape, elements });
    }
    return [...worst].map(([path, t]) =>
      problemOf(tensorElements, path, `expected at most ${LIMITS.tensorElements} elements in a tensor, got ${t.elements} in ${t.name} [${t.shape.join(', ')}]`),
    );
  },
});
