import { derive, type MaeSpec } from '../../dsl/index.ts';
import { GraphBuilder } from '../ir/builder.ts';
import type { Graph } from '../ir/types.ts';
import { trainable, type ParamSite } from './params.ts';
import { graphMeta } from './stem.ts';

/**
 * The linear probe's head on a spec's frozen encoder features (MAE-SPEC "Linear probe"):
 * logits = features W^T + b, trained with cross-entropy. The recipe's BatchNorm1d without
 * affine parameters is a fixed standardisation of the cached features, done by the runtime
 * before they enter the graph (runtime/eval/standardize.ts).
 *
 * Graph kind 'head'. Inputs: features [N, D] (D = the encoder width), labels [N, classes].
 * Outputs: `logits` [N, classes], `loss`.
 */
export function buildProbeHead(spec: MaeSpec, numClasses: number, headInitStd: number): Graph {
  const D = spec.encoder.width;
  const b = new GraphBuilder();
  const site: ParamSite = { module: 'head', part: 'encoder', layer: spec.encoder.depth + 1 };
  const features = b.input('features', ['N', D]);
  const w = b.param(trainable(site, 'head.weight', [numClasses, D], { kind: 'normal', std: headInitStd }));
  const bias = b.param(trainable(site, 'head.bias', [numClasses], { kind: 'zeros' }));
  const logits = b.op('head', { kind: 'linear' }, [features, w, bias]); // [N, classes]
  const labels = b.input('labels', ['N', numClasses]);
  const loss = b.op('loss', { kind: 'crossEntropy' }, [logits, labels]);
  const d = derive(spec);
  return b.finish('head', graphMeta(spec, d, d.numPatches), { logits, loss });
}
