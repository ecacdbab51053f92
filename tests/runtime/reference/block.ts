import { attention } from './attention.ts';
import { gelu } from './gelu.ts';
import { layerNorm } from './layer-norm.ts';
import { linear } from './linear.ts';
import { add, type Mat } from './mat.ts';
import { param, type ParamValues } from './params.ts';

export interface BlockShape {
  readonly width: number;
  readonly heads: number;
  /** MLP hidden width, floor(width * mlpRatio). */
  readonly hidden: number;
  readonly eps: number;
}

/** The Linear `${prefix}.weight` [out, in] and `${prefix}.bias` [out] applied to x [T, in]. */
export function linearLayer(params: ParamValues, prefix: string, x: Mat, out: number): Mat {
  return linear(x, param(params, `${prefix}.weight`, [out, x.cols]), param(params, `${prefix}.bias`, [out]));
}

/** The LayerNorm `${prefix}.weight|bias` [D] applied to the rows of x [T, D]. */
export function layerNormLayer(params: ParamValues, prefix: string, x: Mat, eps: number): Mat {
  return layerNorm(x, param(params, `${prefix}.weight`, [x.cols]), param(params, `${prefix}.bias`, [x.cols]), eps);
}

/**
 * One pre-norm transformer block `${prefix}` (timm's Block): x [T, D] -> [T, D],
 *   x = x + proj(attn(qkv(norm1(x))));  x = x + fc2(gelu(fc1(norm2(x)))).
 */
export function block(params: ParamValues, prefix: string, x: Mat, s: BlockShape): Mat {
  const h1 = layerNormLayer(params, `${prefix}.norm1`, x, s.eps);
  const qkv = linearLayer(params, `${prefix}.attn.qkv`, h1, 3 * s.width); // [T, 3D]
  const attn = linearLayer(params, `${prefix}.attn.proj`, attention(qkv, s.heads), s.width); // [T, D]
  const x1 = add(x, attn);
  const h2 = layerNormLayer(params, `${prefix}.norm2`, x1, s.eps);
  const hidden = gelu(linearLayer(params, `${prefix}.mlp.fc1`, h2, s.hidden)); // [T, hidden]
  return add(x1, linearLayer(params, `${prefix}.mlp.fc2`, hidden, s.width));
}
