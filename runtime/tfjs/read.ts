/**
 * Reading tensors back to the host, awaited. Every backend supports `await t.data()`; the
 * synchronous reads (`dataSync`, `arraySync`) throw on webgpu in Node, where tfjs would read
 * back through an OffscreenCanvas, which Node lacks. Runtime code reads through these.
 */
import * as tf from '@tensorflow/tfjs-core';

/** A copy of `t`'s values (never the backend's own buffer, which a later update may change). */
export async function readFloats(t: tf.Tensor): Promise<Float32Array> {
  return Float32Array.from((await t.data()) as Float32Array);
}

/** tfjs-wasm's view of a tensor's bytes in its heap (BackendWasm.typedArrayFromHeap). */
type HeapViews = { typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array | Uint8Array };

/**
 * Copies the float32 tensor `t`'s values into `dst`, which must have its size. On tfjs-wasm
 * straight out of the backend's heap, without the intermediate array `t.data()` makes (the
 * training threads move every parameter and gradient this way each step, 12 MB on
 * cifar-small); elsewhere through `await t.data()`.
 */
export async function copyInto(dst: Float32Array, t: tf.Tensor): Promise<void> {
  if (t.dtype !== 'float32') throw new Error(`copyInto: expected a float32 tensor, got ${t.dtype}`);
  if (t.size !== dst.length) throw new Error(`copyInto: a tensor of ${t.size} values into ${dst.length}`);
  const backend = tf.getBackend() === 'wasm' ? (tf.backend() as unknown as Partial<HeapViews>) : undefined;
  // The view is taken right before the copy: an allocation in between could grow (and replace) the heap.
  if (typeof backend?.typedArrayFromHeap === 'function') dst.set(backend.typedArrayFromHeap(t) as Float32Array);
  else dst.set((await t.data()) as Float32Array);
}

/** The first value of `t` (a loss, an accuracy). */
export async function readScalar(t: tf.Tensor): Promise<number> {
  return (await t.data())[0]!;
}

/** Copies of the tensors' values by name, read concurrently so a GPU backend submits once. */
export async function readAll(tensors: Iterable<readonly [string, tf.Tensor]>): Promise<Map<string, Float32Array>> {
  const entries = [...tensors];
  const values = await Promise.all(entries.map(([, t]) => readFloats(t)));
  return new Map(entries.map(([name], i) => [name, values[i]!]));
}

/**
 * Reads the named outputs of a program run and disposes every tensor of the run (read or not).
 * Throws naming an output the run did not produce.
 */
export async function readOutputs<K extends string>(run: Readonly<Record<string, tf.Tensor>>, names: readonly K[]): Promise<Record<K, Float32Array>> {
  try {
    const values = await Promise.all(
      names.map((name) => {
        const t = run[name];
        if (!t) throw new Error(`the program produced no output "${name}" (it has ${Object.keys(run).join(', ')})`);
        return readFloats(t);
      }),
    );
    return Object.fromEntries(names.map((name, i) => [name, values[i]!])) as Record<K, Float32Array>;
  } finally {
    for (const t of Object.values(run)) t.dispose();
  }
}
