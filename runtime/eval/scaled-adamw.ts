import type * as tf from '@tensorflow/tfjs-core';
import type { AdamWUpdate } from '../tfjs/ops/adamw.ts';
import { AdamW, type AdamWConfig, type OptimizedParam } from '../train/adamw.ts';

/** A parameter under optimisation with its own learning-rate multiplier. */
export interface ScaledParam extends OptimizedParam {
  readonly lrScale: number;
}

/**
 * AdamW with a learning-rate multiplier per parameter (layer-wise lr decay), as torch's
 * param groups with `lr_scale`: the scaled lr drives both the Adam step and the decoupled
 * weight decay. Built from runtime/train/adamw.ts, one AdamW per distinct scale.
 */
export class ScaledAdamW {
  private readonly groups: { readonly scale: number; readonly names: readonly string[]; readonly opt: AdamW }[];

  constructor(params: readonly ScaledParam[], config: AdamWConfig, update?: AdamWUpdate) {
    const byScale = new Map<number, ScaledParam[]>();
    for (const p of params) byScale.set(p.lrScale, [...(byScale.get(p.lrScale) ?? []), p]);
    this.groups = [...byScale].map(([scale, ps]) => ({ scale, names: ps.map((p) => p.name), opt: new AdamW(ps, config, update) }));
  }

  get step(): number {
    return this.groups[0]?.opt.step ?? 0;
  }

  /** One update at base learning rate `lr`; every parameter moves at lr * its scale. */
  apply(grads: ReadonlyMap<string, tf.Tensor>, lr: number): void {
    for (const g of this.groups) g.opt.apply(new Map(g.names.map((n) => [n, grads.get(n)!] as const).filter(([, t]) => t !== undefined)), lr * g.scale);
  }

  /** Moments by `m.<param>` / `v.<param>`, for checkpoints. */
  state(): Map<string, tf.Variable> {
    const out = new Map<string, tf.Variable>();
    for (const g of this.groups) for (const [k, v] of g.opt.state()) out.set(k, v);
    return out;
  }

  load(state: ReadonlyMap<string, Float32Array>, step: number): void {
    for (const g of this.groups) g.opt.load(state, step);
  }

  dispose(): void {
    for (const g of this.groups) g.opt.dispose();
  }
}
