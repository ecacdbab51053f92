import * as tf from '@tensorflow/tfjs-core';
import { stockAdamW, type AdamWUpdate } from '../tfjs/ops/adamw.ts';

/** AdamW hyper-parameters; defaults are MAE pretraining's (betas 0.9 / 0.95, wd 0.05). */
export interface AdamWConfig {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
}

export const MAE_ADAMW: AdamWConfig = Object.freeze({ beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.05 });

/** One parameter under optimisation: its variable and whether weight decay applies. */
export interface OptimizedParam {
  readonly name: string;
  readonly variable: tf.Variable;
  readonly decay: boolean;
}

/**
 * AdamW with decoupled weight decay, as torch.optim.AdamW:
 *   p <- p * (1 - lr * wd)                       (only where decay applies)
 *   m <- b1 m + (1 - b1) g;  v <- b2 v + (1 - b2) g^2
 *   p <- p - lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
 * The moments live in tf.Variables so that a step allocates nothing that outlives it.
 * `update` computes one parameter's step (runtime/tfjs/ops/adamw.ts): the tfjs ops by default,
 * or a target's own (`target.ops.adamw`: three dispatches per parameter on webgpu).
 */
export class AdamW {
  private readonly m: Map<string, tf.Variable>;
  private readonly v: Map<string, tf.Variable>;
  /** Number of updates applied so far (t in the bias corrections). */
  step = 0;

  constructor(
    private readonly params: readonly OptimizedParam[],
    readonly config: AdamWConfig = MAE_ADAMW,
    private readonly update: AdamWUpdate = stockAdamW,
  ) {
    this.m = new Map(params.map((p) => [p.name, tf.variable(tf.zerosLike(p.variable), false, `adamw.m.${p.name}`)]));
    this.v = new Map(params.map((p) => [p.name, tf.variable(tf.zerosLike(p.variable), false, `adamw.v.${p.name}`)]));
  }

  /** Applies one update with learning rate `lr`; `grads` maps parameter name to gradient. */
  apply(grads: ReadonlyMap<string, tf.Tensor>, lr: number): void {
    this.step += 1;
    const { beta1, beta2, eps, weightDecay } = this.config;
    const c1 = 1 - beta1 ** this.step;
    const c2 = 1 - beta2 ** this.step;
    tf.tidy(() => {
      for (const p of this.params) {
        const g = grads.get(p.name);
        if (!g) throw new Error(`AdamW: no gradient for ${p.name}`);
        const m = this.m.get(p.name)!;
        const v = this.v.get(p.name)!;
        const next = this.update(p.variable, m, v, g, { lr, beta1, beta2, eps, weightDecay: p.decay ? weightDecay : 0, c1, c2 });
        m.assign(next.m);
        v.assign(next.v);
        p.variable.assign(next.p);
      }
    });
  }

  /** The moment tensors by name (`m.<param>`, `v.<param>`), for checkpoints. */
  state(): Map<string, tf.Variable> {
    const out = new Map<string, tf.Variable>();
    for (const [name, t] of this.m) out.set(`m.${name}`, t);
    for (const [name, t] of this.v) out.set(`v.${name}`, t);
    return out;
  }

  /** Restores moments saved by `state()` and the step count. Throws naming a missing or mis-shaped tensor. */
  load(state: ReadonlyMap<string, Float32Array>, step: number): void {
    for (const [key, variable] of this.state()) {
      const data = state.get(key);
      if (!data) throw new Error(`optimizer state lacks ${key}`);
      if (data.length !== variable.size) throw new Error(`optimizer state ${key} has ${data.length} values, expected ${variable.size}`);
      variable.assign(tf.tensor(data, variable.shape));
    }
    this.step = step;
  }

  dispose(): void {
    for (const t of this.state().values()) t.dispose();
  }
}
