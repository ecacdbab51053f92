/**
 * GELU (exact, x * Phi(x)) and its gradient as one WebGPU dispatch each, and the same with the
 * bias of the preceding linear layer added first (the MLP's fc1 output before its bias):
 *   y = gelu(x + b),   dx = dy * (Phi(x + b) + (x + b) * phi(x + b)),   b broadcast over rows.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { groupsFor, run, type ProgramSpec } from './program.ts';

const THREADS = 128;

function elementwise(name: string, inputs: readonly string[], shape: readonly number[], body: string, width = 0): ProgramSpec {
  const size = shape.reduce((a, b) => a * b, 1);
  return {
    key: `${name}_${width}`,
    inputs,
    outputShape: shape,
    workgroupSize: THREADS,
    workgroups: groupsFor(size, THREADS),
    code: `
const WIDTH: i32 = ${Math.max(width, 1)};
fn main(index: i32) {
  if (index < uniforms.size) {
    ${body}
  }
}`,
  };
}

export function gelu(backend: WebGPUBackend, x: tf.TensorInfo): tf.TensorInfo {
  return run(backend, elementwise('gelu', ['x'], x.shape, 'result[index] = maecGelu(x[index]);'), [x], 'float32');
}

export function geluGrad(backend: WebGPUBackend, x: tf.TensorInfo, dy: tf.TensorInfo): tf.TensorInfo {
  return run(backend, elementwise('gelu_grad', ['x', 'dy'], x.shape, 'result[index] = dy[index] * maecGeluGrad(x[index]);'), [x, dy], 'float32');
}

/** gelu(x + b) with b [F] added to every row of x [..., F]. */
export function biasGelu(backend: WebGPUBackend, x: tf.TensorInfo, b: tf.TensorInfo): tf.TensorInfo {
  const width = b.shape[0]!;
  const spec = elementwise('bias_gelu', ['x', 'b'], x.shape, 'result[index] = maecGelu(x[index] + b[index % WIDTH]);', width);
  return run(backend, spec, [x, b], 'float32');
}

/** The gradient of gelu(x + b) with respect to x (and, summed over rows, to b). */
export function biasGeluGrad(backend: WebGPUBackend, x: tf.TensorInfo, b: tf.TensorInfo, dy: tf.TensorInfo): tf.TensorInfo {
  const width = b.shape[0]!;
  const spec = elementwise('bias_gelu_grad', ['x', 'b', 'dy'], x.shape, 'result[index] = dy[index] * maecGeluGrad(x[index] + b[index % WIDTH]);', width);
  return run(backend, spec, [x, b, dy], 'float32');
}
