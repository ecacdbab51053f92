import * as tf from '@tensorflow/tfjs-core';
import type { Graph, Node } from '../../compiler/ir/types.ts';
import { EXECUTORS, type ExecContext } from './executors.ts';
import { rulesFor, type LoweringRules } from './rules.ts';
import { installedKernels } from './kernels/index.ts';

/** Parameter tensors by official name (trainable ones may be tf.Variables). */
export type ParamTensors = ReadonlyMap<string, tf.Tensor>;

/** Graph inputs: imgs [N, C, H, W] and, for masked graphs, noise [N, L]. */
export interface ProgramInputs {
  readonly imgs: tf.Tensor;
  readonly noise?: tf.Tensor;
}

export interface StepResult {
  readonly loss: tf.Scalar;
  /** Gradient of the loss for every trainable parameter, by official name. */
  readonly grads: Map<string, tf.Tensor>;
  /** Any extra outputs asked for (pred, mask, ...), kept alive for the caller. */
  readonly outputs: Record<string, tf.Tensor>;
}

/** An executable tfjs program lowered from an IR graph. The caller disposes what it returns. */
export interface Program {
  readonly graph: Graph;
  readonly rules: LoweringRules;
  /** Evaluates the named outputs. */
  run(params: ParamTensors, inputs: ProgramInputs, outputs: readonly string[]): Record<string, tf.Tensor>;
  /** Loss, gradients of every trainable parameter, and optional extra outputs, in one pass. */
  lossAndGrads(params: ParamTensors, inputs: ProgramInputs, extra?: readonly string[]): StepResult;
}

/** The nodes needed to compute `targets`, in topological order. */
function needed(graph: Graph, targets: readonly string[]): Node[] {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const keep = new Set<string>();
  const stack = [...targets];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (keep.has(id)) continue;
    keep.add(id);
    stack.push(...(byId.get(id)?.inputs ?? []));
  }
  return graph.nodes.filter((n) => keep.has(n.id));
}

function outputId(graph: Graph, name: string): string {
  const id = graph.outputs[name];
  if (id === undefined) throw new Error(`the ${graph.kind} graph has no output "${name}"; it has ${Object.keys(graph.outputs).join(', ')}`);
  return id;
}

/**
 * Evaluates what `targets` need, in graph order, and returns every computed value by node id.
 * The one interpreter of the executor table: programs and the evaluation commands both use it.
 * Must run inside a tidy or gradient scope.
 */
export function evaluate(graph: Graph, targets: readonly string[], params: ParamTensors, inputs: ProgramInputs, ctx: ExecContext): Map<string, tf.Tensor> {
  const values = new Map<string, tf.Tensor>();
  for (const node of needed(graph, targets)) {
    let value: tf.Tensor;
    if (node.op.kind === 'input') {
      const input = inputs[node.op.name];
      if (!input) throw new Error(`missing input "${node.op.name}"`);
      value = input;
    } else if (node.op.kind === 'param') {
      const p = params.get(node.op.name);
      if (!p) throw new Error(`missing parameter "${node.op.name}"`);
      value = p;
    } else {
      const args = node.inputs.map((i) => values.get(i)!);
      const exec = EXECUTORS[node.op.kind] as (n: Node, a: readonly tf.Tensor[], c: ExecContext) => tf.Tensor;
      value = exec(node, args, ctx);
    }
    values.set(node.id, value);
  }
  return values;
}

/** The lowering rules of the active backend, given which matmul kernels are installed. */
export function activeRules(backend: string = tf.getBackend()): LoweringRules {
  return rulesFor(backend, installedKernels().includes('_FusedMatMul'));
}

function checkInputs(graph: Graph, inputs: ProgramInputs): void {
  const { channels: c, imageSize: s, numPatches: l } = graph.meta;
  const [n, ...rest] = inputs.imgs.shape;
  if (inputs.imgs.rank !== 4 || rest[0] !== c || rest[1] !== s || rest[2] !== s)
    throw new Error(`imgs must be [N, ${c}, ${s}, ${s}], got [${inputs.imgs.shape.join(', ')}]`);
  if (graph.kind !== 'encoder') {
    if (!inputs.noise) throw new Error(`the ${graph.kind} graph needs noise [N, ${l}]`);
    if (inputs.noise.rank !== 2 || inputs.noise.shape[0] !== n || inputs.noise.shape[1] !== l)
      throw new Error(`noise must be [${n}, ${l}], got [${inputs.noise.shape.join(', ')}]`);
  }
}

/** Lowers an IR graph to a tfjs program for the active (or given) backend. */
export function lower(graph: Graph, backend: string = tf.getBackend()): Program {
  const rules = activeRules(backend);
  const trainable = graph.params.filter((p) => p.trainable).map((p) => p.name);

  return {
    graph,
    rules,
    run(params, inputs, outputs) {
      checkInputs(graph, inputs);
      const ids = outputs.map((name) => outputId(graph, name));
      const ctx: ExecContext = { rules, batch: inputs.imgs.shape[0]! };
      return tf.tidy(() => {
        const values = evaluate(graph, ids, params, inputs, ctx);
        return Object.fromEntries(outputs.map((name, i) => [name, values.get(ids[i]!)!]));
      });
    },
    lossAndGrads(params, inputs, extra = []) {
      checkInputs(graph, inputs);
      const lossId = outputId(graph, 'loss');
      const extraIds = extra.map((name) => outputId(graph, name));
      const ctx: ExecContext = { rules, batch: inputs.imgs.shape[0]! };
      const kept: Record<string, tf.Tensor> = {};
      const xs = trainable.map((name) => {
        const t = params.get(name);
        if (!t) throw new Error(`missing parameter "${name}"`);
        return t;
      });
      const { value, grads } = tf.valueAndGrads((...ts: tf.Tensor[]) => {
        const bound = new Map(params);
        trainable.forEach((name, i) => bound.set(name, ts[i]!));
        const values = evaluate(graph, [lossId, ...extraIds], bound, inputs, ctx);
        extra.forEach((name, i) => (kept[name] = tf.keep(values.get(extraIds[i]!)!)));
        return values.get(lossId)! as tf.Scalar;
      })(xs);
      return { loss: value as tf.Scalar, grads: new Map(trainable.map((name, i) => [name, grads[i]!])), outputs: kept };
    },
  };
}
