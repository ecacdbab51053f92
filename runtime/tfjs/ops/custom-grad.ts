import * as tf from '@tensorflow/tfjs-core';

/**
 * An op with a hand-written gradient, as `tf.customGrad` functions built once per static
 * attribute (an eps, a head count) and reused on every call, instead of a new wrapper per call.
 *
 * @example const ln = customGradOnce((eps: number) => tf.customGrad(...)); ln(1e-6)(x, g, b);
 */
export function customGradOnce<K, F extends (...xs: tf.Tensor[]) => tf.Tensor>(build: (key: K) => F): (key: K) => F {
  const built = new Map<K, F>();
  return (key) => {
    let f = built.get(key);
    if (f === undefined) {
      f = build(key);
      built.set(key, f);
    }
    return f;
  };
}
