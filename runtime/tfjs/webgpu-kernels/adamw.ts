/**
 * The AdamW update of one parameter in three dispatches (tfjs ops take fourteen), each writing a
 * fresh tensor that the optimizer assigns to its variable, with the arithmetic of
 * runtime/tfjs/ops/adamw.ts in the same order:
 *   moment:  m' = m * b1 + g * (1 - b1)          (second: v' = v * b2 + g^2 * (1 - b2))
 *   param:   p' = p * f - ((m' / c1) / (sqrt(v' / c2) + eps)) * lr,   f = 1 - lr * wd, or 1
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { groupsFor, run } from './program.ts';

const THREADS = 128;

const f32 = (data: number[]) => ({ type: 'float32' as const, data });

export function adamwMoment(backend: WebGPUBackend, x: tf.TensorInfo, g: tf.TensorInfo, beta: number, second: boolean): tf.TensorInfo {
  const size = x.shape.reduce((a, b) => a * b, 1);
  const term = second ? 'gi * gi' : 'gi';
  return run(
    backend,
    {
      key: `adamw_${second ? 'v' : 'm'}`,
      inputs: ['x', 'g'],
      outputShape: x.shape,
      workgroupSize: THREADS,
      workgroups: groupsFor(size, THREADS),
      uniforms: 'beta : f32, rest : f32,',
      code: `
fn main(index: i32) {
  if (index < uniforms.size) {
    let gi = g[index];
    result[index] = x[index] * uniforms.beta + (${term}) * uniforms.rest;
  }
}`,
    },
    [x, g],
    'float32',
    [f32([beta]), f32([1 - beta])],
  );
}

export interface ParamStep {
  readonly lr: number;
  readonly eps: number;
  readonly c1: number;
  readonly c2: number;
  /** 1 - lr * wd where weight decay applies, else undefined (p is used as is). */
  readonly decayFactor: number | undefined;
}

export function adamwParam(backend: WebGPUBackend, p: tf.TensorInfo, m: tf.TensorInfo, v: tf.TensorInfo, s: ParamStep): tf.TensorInfo {
  const size = p.shape.reduce((a, b) => a * b, 1);
  const decayed = s.decayFactor === undefined ? 'p[index]' : 'p[index] * uniforms.decay';
  return run(
    backend,
    {
      key: `adamw_p_${s.decayFactor === undefined ? 'plain' : 'decay'}`,
      inputs: ['p', 'm', 'v'],
      outputShape: p.shape,
      workgroupSize: THREADS,
      workgroups: groupsFor(size, THREADS),
      uniforms: 'lr : f32, eps : f32, c1 : f32, c2 : f32, decay : f32,',
      code: `
fn main(index: i32) {
  if (index < uniforms.size) {
    let update = (m[index] / uniforms.c1) / (sqrt(v[index] / uniforms.c2) + uniforms.eps);
    result[index] = ${decayed} - update * uniforms.lr;
  }
}`,
    },
    [p, m, v],
    'float32',
    [f32([s.lr]), f32([s.eps]), f32([s.c1]), f32([s.c2]), f32([s.decayFactor ?? 1])],
  );
}
