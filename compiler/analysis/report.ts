import type { MaeSpec } from '../../dsl/index.ts';
import { buildGraph } from '../build/mae.ts';
import type { Graph } from '../ir/types.ts';
import { countFlops, type Flops } from './flops.ts';
import { activationBytes, trainingStateBytes } from './memory.ts';
import { countParams, type ParamCounts } from './params.ts';

/** Everything `maec compile` reports about one spec; plain data, JSON as it stands. */
export interface Report {
  readonly graphKind: Graph['kind'];
  readonly image: { readonly size: number; readonly channels: number };
  readonly patch: number;
  /** L: patches per image. */
  readonly numPatches: number;
  /** K: patches the encoder sees. */
  readonly numVisible: number;
  /** Tokens through the encoder blocks (1 + K; 1 + L for the symmetric baseline) and the decoder blocks (1 + L). */
  readonly sequence: { readonly encoder: number; readonly decoder: number };
  readonly params: ParamCounts;
  /** Per image. */
  readonly flops: Flops;
  /** Per image, of the symmetric baseline (mask tokens in the encoder) of the same spec. */
  readonly symmetricFlops: Flops;
  /** Symmetric baseline FLOPs over this model's: the encoder's forward and the whole training step. */
  readonly speedup: { readonly encoder: number; readonly step: number };
  readonly memory: {
    /** Activations a training step keeps, per image (see activationBytes). */
    readonly activationBytesPerImage: number;
    /** Weights, gradients and AdamW state (see trainingStateBytes). */
    readonly trainingStateBytes: number;
  };
}

/**
 * Builds the spec's graph and its symmetric baseline and measures both.
 * Example: for MAE ViT-B/16, `analyze(spec).params.trainable` is 111,655,680 and
 * `analyze(spec).sequence` is `{ encoder: 50, decoder: 197 }`.
 * The spec must be valid (`validateSpec(spec)` empty); `buildGraph` throws otherwise.
 */
export function analyze(spec: MaeSpec): Report {
  const graph = buildGraph(spec);
  return analyzeGraphs(graph, graph.kind === 'symmetric' ? graph : buildGraph(spec, 'symmetric'));
}

/** The report of an already built graph against its symmetric baseline. */
export function analyzeGraphs(graph: Graph, symmetric: Graph): Report {
  const flops = countFlops(graph);
  const symmetricFlops = countFlops(symmetric);
  const m = graph.meta;
  return {
    graphKind: graph.kind,
    image: { size: m.imageSize, channels: m.channels },
    patch: m.patch,
    numPatches: m.numPatches,
    numVisible: m.numVisible,
    sequence: { encoder: 1 + (graph.kind === 'symmetric' ? m.numPatches : m.numVisible), decoder: 1 + m.numPatches },
    params: countParams(graph),
    flops,
    symmetricFlops,
    speedup: {
      encoder: symmetricFlops.forward.encoder / flops.forward.encoder,
      step: symmetricFlops.step.total / flops.step.total,
    },
    memory: { activationBytesPerImage: activationBytes(graph), trainingStateBytes: trainingStateBytes(graph) },
  };
}
