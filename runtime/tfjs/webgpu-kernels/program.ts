/**
 * The shape of a maec WebGPU kernel as tfjs-webgpu runs it: a `WebGPUProgram` (its shader body
 * and dispatch) handed to `WebGPUBackend.runWebGPUProgram`, which binds the inputs as
 * `var<storage, read> NAME: array<f32 | i32>` in `variableNames` order, the output as
 * `result`, prepends tfjs's uniforms (shapes, strides, `size`) and calls `main(index)` with the
 * flat global invocation index. Everything else (constants, loops, workgroup memory) is the
 * shader text written here.
 *
 * Each program bakes its sizes into the shader as constants and into `shaderKey`, so that
 * tfjs's pipeline cache (keyed by shaderKey plus input ranks and dtypes) compiles one pipeline
 * per distinct size and never reuses one across sizes.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';

/** A uniform value a program declares in `uniforms` (float32 or int32 scalars). */
export interface UniformValue {
  readonly type: 'float32' | 'int32';
  readonly data: number[];
}

export interface ProgramSpec {
  /** Unique per shader text: the kernel's name and every constant baked into `code`. */
  readonly key: string;
  /** Input names, bound in this order (lower-case identifiers; never `result`). */
  readonly inputs: readonly string[];
  readonly outputShape: readonly number[];
  /** Threads per workgroup (1-D). */
  readonly workgroupSize: number;
  /** Workgroups to launch; tfjs folds counts above the per-dimension limit into y and z. */
  readonly workgroups: number;
  /** WGSL: helper functions and `fn main(index: i32) { ... }`. */
  readonly code: string;
  /** Extra uniform fields, e.g. `eps : f32,`, with their values in `run`'s order. */
  readonly uniforms?: string;
}

/** Builds the WebGPUProgram object tfjs-webgpu expects for `spec`. */
export function program(spec: ProgramSpec): WebGPUProgram {
  const p: WebGPUProgram = {
    variableNames: [...spec.inputs],
    outputShape: [...spec.outputShape],
    shaderKey: `maec_${spec.key}`,
    dispatchLayout: { x: spec.outputShape.map((_, i) => i) },
    dispatch: [spec.workgroups, 1, 1],
    workgroupSize: [spec.workgroupSize, 1, 1],
    size: true,
    getUserCode: () => `${WGSL_COMMON}\n${spec.code}`,
  };
  if (spec.uniforms !== undefined) p.uniforms = spec.uniforms;
  return p;
}

/** Runs `spec` on the webgpu backend: one dispatch; returns the output's TensorInfo. */
export function run(backend: WebGPUBackend, spec: ProgramSpec, inputs: readonly tf.TensorInfo[], dtype: 'float32' | 'int32', uniforms: readonly UniformValue[] = []): tf.TensorInfo {
  return backend.runWebGPUProgram(program(spec), [...inputs], dtype, uniforms.map((u) => ({ type: u.type, data: [...u.data] })));
}

/** Workgroups of `threads` threads that cover `count` items. */
export const groupsFor = (count: number, threads: number): number => Math.max(1, Math.ceil(count / threads));

/**
 * Shared WGSL: the linear workgroup index (robust to tfjs folding a long dispatch into y and z)
 * and the exact GELU pieces. Phi(x) = erfc(-x / sqrt 2) / 2 with erfc from the Chebyshev fit of
 * Numerical Recipes (erfcc, fractional error below 1.2e-7 for every argument): the fractional
 * accuracy holds in the far negative tail too, where 1 + erf(x) would cancel.
 */
const WGSL_COMMON = /* wgsl */ `
fn maecGroup() -> i32 {
  // The "+ 0 * uniforms.size" keeps the uniform block statically used: tfjs always binds it,
  // and a binding a shader never reads is missing from its automatic layout.
  return i32(workgroupId.z * numWorkgroups.x * numWorkgroups.y + workgroupId.y * numWorkgroups.x + workgroupId.x) + 0 * uniforms.size;
}
fn maecErfcAbs(z: f32) -> f32 {
  let t = 1.0 / (1.0 + 0.5 * z);
  let poly = -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 +
    t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  return t * exp(poly);
}
fn maecPhi(x: f32) -> f32 {
  let c = 0.5 * maecErfcAbs(abs(x) * 0.70710678118654752);
  return select(1.0 - c, c, x < 0.0);
}
fn maecGelu(x: f32) -> f32 {
  return x * maecPhi(x);
}
fn maecGeluGrad(x: f32) -> f32 {
  return maecPhi(x) + x * 0.39894228040143268 * exp(-0.5 * x * x);
}
`;
