import * as tf from '@tensorflow/tfjs-core';

/**
 * LARS as the official linear probe's `util/lars.py` (no weight decay here): for a parameter
 * with more than one dimension the gradient is rescaled by the trust ratio
 *   q = eta * ||p|| / ||g||   (1 where either norm is 0),
 * then heavy-ball momentum: mu <- momentum * mu + g; p <- p - lr * mu. Biases skip the ratio.
 */
export class Lars {
  private readonly mu: Map<string, tf.Variable>;

  constructor(
    private readonly params: ReadonlyMap<string, tf.Variable>,
    readonly momentum = 0.9,
    readonly trustCoefficient = 0.001,
  ) {
    this.mu = new Map([...params].map(([name, v]) => [name, tf.variable(tf.zerosLike(v), false)]));
  }

  apply(grads: ReadonlyMap<string, tf.Tensor>, lr: number): void {
    tf.tidy(() => {
      for (const [name, p] of this.params) {
        let g = grads.get(name);
        if (!g) throw new Error(`LARS: no gradient for ${name}`);
        if (p.rank > 1) {
          const pn = tf.norm(p);
          const gn = tf.norm(g);
          const ratio = tf.where(tf.logicalAnd(tf.greater(pn, 0), tf.greater(gn, 0)), tf.div(tf.mul(pn, this.trustCoefficient), gn), tf.onesLike(pn));
          g = tf.mul(g, ratio);
        }
        const mu = this.mu.get(name)!;
        mu.assign(tf.add(tf.mul(mu, this.momentum), g));
        p.assign(tf.sub(p, tf.mul(mu, lr)));
      }
    });
  }

  dispose(): void {
    tf.dispose([...this.mu.values()]);
  }
}
