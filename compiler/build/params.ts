import type { Init, Param } from '../ir/types.ts';

/** Weight decay applies to every trainable tensor except 1-D ones and biases (timm's rule). */
function decays(name: string, shape: readonly number[]): boolean {
  return shape.length > 1 && !name.endsWith('.bias');
}

export interface ParamSite {
  readonly module: string;
  readonly part: 'encoder' | 'decoder';
  readonly layer: number;
}

/** A trainable parameter declaration at a site (module, part, layer id). */
export function trainable(site: ParamSite, name: string, shape: readonly number[], init: Init): Param {
  return { name, shape, init, trainable: true, decay: decays(name, shape), module: site.module, part: site.part, layer: site.layer };
}

/** A frozen 2-D sin-cos position table [1, 1 + grid^2, dim]. */
export function positionTable(site: ParamSite, name: string, grid: number, dim: number): Param {
  return {
    name,
    shape: [1, 1 + grid * grid, dim],
    init: { kind: 'sincos2d', grid, dim },
    trainable: false,
    decay: false,
    module: site.module,
    part: site.part,
    layer: site.layer,
  };
}

/** Linear weight [out, in] (xavier uniform) and bias [out] (zeros) under `prefix`. */
export function linearParams(site: ParamSite, prefix: string, inFeatures: number, outFeatures: number): [Param, Param] {
  return [
    trainable(site, `${prefix}.weight`, [outFeatures, inFeatures], { kind: 'xavierUniform', fanIn: inFeatures, fanOut: outFeatures }),
    trainable(site, `${prefix}.bias`, [outFeatures], { kind: 'zeros' }),
  ];
}

/** LayerNorm weight (ones) and bias (zeros) under `prefix`. */
export function layerNormParams(site: ParamSite, prefix: string, dim: number): [Param, Param] {
  return [
    trainable(site, `${prefix}.weight`, [dim], { kind: 'ones' }),
    trainable(site, `${prefix}.bias`, [dim], { kind: 'zeros' }),
  ];
}
