import type { GraphBuilder } from '../ir/builder.ts';
import { layerNormParams, linearParams, type ParamSite } from './params.ts';

/** y = x W^T + b with freshly declared parameters `${prefix}.weight|bias`. */
export function linear(b: GraphBuilder, site: ParamSite, prefix: string, x: string, inFeatures: number, outFeatures: number): string {
  const [w, bias] = linearParams(site, prefix, inFeatures, outFeatures);
  return b.op(prefix, { kind: 'linear' }, [x, b.param(w), b.param(bias)]);
}

export function layerNorm(b: GraphBuilder, site: ParamSite, prefix: string, x: string, dim: number, eps: number): string {
  const [gamma, beta] = layerNormParams(site, prefix, dim);
  return b.op(prefix, { kind: 'layerNorm', eps }, [x, b.param(gamma), b.param(beta)]);
}

export interface BlockConfig {
  readonly width: number;
  readonly heads: number;
  readonly mlpHidden: number;
  readonly eps: number;
  /** Stochastic depth on both residual branches (fine-tuning); absent or 0 in pretraining. */
  readonly dropPath?: number;
}

/**
 * A pre-norm transformer block: x = x + proj(attn(qkv(LN1(x)))); x = x + fc2(gelu(fc1(LN2(x)))).
 * x: [N, T, D] -> [N, T, D].
 */
export function block(b: GraphBuilder, site: ParamSite, prefix: string, x: string, cfg: BlockConfig): string {
  const { width: d, heads, mlpHidden, eps, dropPath: rate = 0 } = cfg;
  const branch = (id: string, y: string) => (rate > 0 ? b.op(`${id}.drop_path`, { kind: 'dropPath', rate }, [y]) : y);
  const h1 = layerNorm(b, site, `${prefix}.norm1`, x, d, eps);
  const qkv = linear(b, site, `${prefix}.attn.qkv`, h1, d, 3 * d); // [N, T, 3D]
  const attn = b.op(`${prefix}.attn.core`, { kind: 'attention', heads }, [qkv]); // [N, T, D]
  const proj = branch(`${prefix}.attn`, linear(b, site, `${prefix}.attn.proj`, attn, d, d));
  const x1 = b.op(`${prefix}.attn.residual`, { kind: 'add' }, [x, proj]);
  const h2 = layerNorm(b, site, `${prefix}.norm2`, x1, d, eps);
  const fc1 = linear(b, site, `${prefix}.mlp.fc1`, h2, d, mlpHidden); // [N, T, hidden]
  const act = b.op(`${prefix}.mlp.gelu`, { kind: 'gelu' }, [fc1]);
  const fc2 = branch(`${prefix}.mlp`, linear(b, site, `${prefix}.mlp.fc2`, act, mlpHidden, d));
  return b.op(`${prefix}.mlp.residual`, { kind: 'add' }, [x1, fc2]);
}
