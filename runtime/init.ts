import type { Init, Param } from '../compiler/ir/types.ts';
import { sincos2dTable } from './position.ts';
import type { Rng } from './rng.ts';

/**
 * Initial values of one parameter, as the official code initialises it: xavier-uniform Linear
 * (and patch-embedding) weights, zero biases, normal(0, 0.02) tokens, LayerNorm 1 / 0, and the
 * fixed sin-cos tables.
 */
export function initialValue(param: Param, rng: Rng): Float32Array {
  const size = param.shape.reduce((a, b) => a * b, 1);
  return fill(param.init, size, rng);
}

function fill(init: Init, size: number, rng: Rng): Float32Array {
  switch (init.kind) {
    case 'zeros':
      return new Float32Array(size);
    case 'ones':
      return new Float32Array(size).fill(1);
    case 'normal': {
      const out = new Float32Array(size);
      for (let i = 0; i < size; i++) out[i] = init.std * rng.normal();
      return out;
    }
    case 'xavierUniform': {
      const bound = Math.sqrt(6 / (init.fanIn + init.fanOut));
      const out = new Float32Array(size);
      for (let i = 0; i < size; i++) out[i] = (2 * rng.uniform() - 1) * bound;
      return out;
    }
    case 'sincos2d':
      return sincos2dTable(init.grid, init.dim);
  }
}

/** Initial values of every parameter of a graph, drawn in declaration order from one seeded stream. */
export function initialParams(params: readonly Param[], rng: Rng): Map<string, Float32Array> {
  return new Map(params.map((p) => [p.name, initialValue(p, rng)]));
}
