import type { Graph, Param } from '../ir/types.ts';

/** Parameters of one reporting group (`Param.module`) of one part. */
export interface ModuleParams {
  readonly part: 'encoder' | 'decoder';
  /** `patch_embed`, `tokens`, `blocks.3`, `norm`, `decoder_embed`, `decoder_blocks.0`, `decoder_norm`, `decoder_pred`. */
  readonly module: string;
  /** Elements of trainable tensors. */
  readonly trainable: number;
  /** Elements of frozen tensors (the sin-cos position tables, or anything `freezeParams` froze). */
  readonly frozen: number;
}

export interface ParamCounts {
  /** One row per (part, module), in declaration order. */
  readonly modules: readonly ModuleParams[];
  /** Trainable elements per part and in all; MAE ViT-B/16: 85,647,360 + 26,008,320 = 111,655,680. */
  readonly encoder: number;
  readonly decoder: number;
  readonly trainable: number;
  /** Frozen elements in all (ViT-B/16: 197*768 + 197*512 = 252,160 for the two position tables). */
  readonly frozen: number;
}

/** Number of elements of a parameter tensor. */
export function elements(param: Param): number {
  return param.shape.reduce((a, b) => a * b, 1);
}

/**
 * Exact parameter counts from the IR's declarations, grouped by `Param.module` within each
 * part. Example: for MAE ViT-B/16 the row `{ part: 'encoder', module: 'blocks.0' }` has
 * 7,087,872 trainable elements (4D^2 + 2DH + 9D + H with D = 768, H = 3072).
 */
export function countParams(graph: Graph): ParamCounts {
  const rows = new Map<string, { part: 'encoder' | 'decoder'; module: string; trainable: number; frozen: number }>();
  for (const p of graph.params) {
    const key = `${p.part}/${p.module}`;
    const row = rows.get(key) ?? { part: p.part, module: p.module, trainable: 0, frozen: 0 };
    if (p.trainable) row.trainable += elements(p);
    else row.frozen += elements(p);
    rows.set(key, row);
  }
  const modules = [...rows.values()].map((r) => Object.freeze(r));
  const sum = (part: 'encoder' | 'decoder') => modules.filter((m) => m.part === part).reduce((a, m) => a + m.trainable, 0);
  const encoder = sum('encoder');
  const decoder = sum('decoder');
  return {
    modules,
    encoder,
    decoder,
    trainable: encoder + decoder,
    frozen: modules.reduce((a, m) => a + m.frozen, 0),
  };
}
