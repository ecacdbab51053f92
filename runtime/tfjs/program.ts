import * as tf from '@tensorflow/tfjs-core';
import { dependencyIds } from '../../compiler/ir/dependencies.ts';
import type { Graph, InputName, Node } from '../../compiler/ir/types.ts';
import { EXECUTORS, type ExecContext } from './executors.ts';
import { assertCurrent, type Target } from './target.ts';

/** Parameter tensors by official name (trainable ones may be tf.Variables). */
export type ParamTensors = ReadonlyMap<string, tf.Tensor>;

/**
 * Graph inputs by name (compiler/ir/types.ts, InputName): imgs [N, C, H, W]; noise [N, L] for
 * masked graphs; labels [N, classes] for a classifier's loss; features [N, D] for a head.
 */
export type ProgramInputs = { readonly [K in InputName]?: tf.Tensor };

/** What a training step adds to a forward pass. */
export interface TrainingContext {
  /** Differentiate only these parameters (default: every trainable one), e.g. the last K blocks. */
  readonly wrt?: readonly string[];
  /**
   * Per-sample keep draws [N] (1 keep, 0 drop) of each `dropPath` node, by node id; without
   * them (evaluation) every dropPath is the identity.
   */
  readonly dropPathKeep?: ReadonlyMap<string, tf.Tensor>;
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
  /** Where it runs: the backend, lowering policy and fused-op implementations it was lowered for. */
  readonly target: Target;
  /** Evaluates the named outputs. */
  run(params: ParamTensors, inputs: ProgramInputs, outputs: readonly string[]): Record<string, tf.Tensor>;
  /**
   * Loss, gradients of every trainable parameter (or those of `training.wrt`), and optional
   * extra outputs, in one pass.
   */
  lossAndGrads(params: ParamTensors, inputs: ProgramInputs, extra?: readonly string[], training?: TrainingContext): StepResult;
}

/** The nodes needed to compute `targets`, in topological order. */
function needed(graph: Graph, targets: readonly string[]): Node[] {
  const keep = dependencyIds(graph, targets);
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
  const order = needed(graph, targets);
  const fused = ctx.ops.linearGelu ? geluOfLinear(order, targets) : undefined;
  for (const node of order) {
    if (fused?.skip.has(node.id)) continue;
    let value: tf.Tensor;
    const lin = fused?.pairs.get(node.id);
    if (lin) {
      const [x, w, b] = lin.inputs.map((i) => values.get(i)!);
      value = ctx.ops.linearGelu!(ctx.policy, x!, w!, b!);
      values.set(node.id, value);
      continue;
    }
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

/**
 * gelu nodes whose input is a linear node that nothing else reads (and that is not a target):
 * a target whose ops fuse the two (`OpImpls.linearGelu`) computes the pair as one op.
 */
function geluOfLinear(order: readonly Node[], targets: readonly string[]): { pairs: Map<string, Node>; skip: Set<string> } {
  const byId = new Map(order.map((n) => [n.id, n]));
  const readers = new Map<string, number>();
  for (const n of order) for (const i of n.inputs) readers.set(i, (readers.get(i) ?? 0) + 1);
  const pairs = new Map<string, Node>();
  const skip = new Set<string>();
  for (const n of order) {
    if (n.op.kind !== 'gelu') continue;
    const src = byId.get(n.inputs[0]!);
    if (!src || src.op.kind !== 'linear' || readers.get(src.id) !== 1 || targets.includes(src.id)) continue;
    pairs.set(n.id, src);
    skip.add(src.id);
  }
  return { pairs, skip };
}

function firstGiven(graph: Graph, inputs: ProgramInputs): tf.Tensor | undefined {
  for (const node of graph.nodes) if (node.op.kind === 'input' && inputs[node.op.name]) return inputs[node.op.name];
  return undefined;
}

/**
 * Checks every given input against the graph's declaration (N, the batch, the same in all) and
 * returns N. An input a computation needs but was not given fails when it is reached.
 */
function checkInputs(graph: Graph, inputs: ProgramInputs): number {
  let batch: number | undefined;
  for (const node of graph.nodes) {
    if (node.op.kind !== 'input') continue;
    const t = inputs[node.op.name];
    if (t === undefined) continue;
    batch ??= t.shape[0];
    const want = node.shape.map((d) => (d === 'N' ? batch : d));
    if (t.rank !== want.length || t.shape.some((d, i) => d !== want[i]))
      // The first input sets N, so its own message keeps N symbolic.
      throw new Error(`${node.op.name} must be [${(batch === t.shape[0] && t === firstGiven(graph, inputs) ? node.shape : want).join(', ')}], got [${t.shape.join(', ')}]`);
  }
  if (graph.kind === 'pretrain' || graph.kind === 'symmetric') {
    if (!inputs.noise) throw new Error(`the ${graph.kind} graph needs noise [N, ${graph.meta.numPatches}]`);
  }
  if (batch === undefined) throw new Error(`no input given: the ${graph.kind} graph reads ${graph.nodes.filter((n) => n.op.kind === 'input').map((n) => n.id).join(', ')}`);
  return batch;
}

/** Lowers an IR graph to a tfjs program for `target` (made by `openTarget`). */
export function lower(graph: Graph, target: Target): Program {
  const { policy, ops } = target;
  const trainable = graph.params.filter((p) => p.trainable).map((p) => p.name);

  return {
    graph,
    target,
    run(params, inputs, outputs) {
      assertCurrent(target);
      const batch = checkInputs(graph, inputs);
      const ids = outputs.map((name) => outputId(graph, name));
      const ctx: ExecContext = { policy, ops, batch };
      return tf.tidy(() => {
        const values = evaluate(graph, ids, params, inputs, ctx);
        return Object.fromEntries(outputs.map((name, i) => [name, values.get(ids[i]!)!]));
      });
    },
    lossAndGrads(params, inputs, extra = [], training = {}) {
      assertCurrent(target);
      const batch = checkInputs(graph, inputs);
      const lossId = outputId(graph, 'loss');
      const extraIds = extra.map((name) => outputId(graph, name));
      const keep = training.dropPathKeep;
      const ctx: ExecContext = { policy, ops, batch, ...(keep ? { dropPathKeep: (id: string) => keep.get(id) } : {}) };
      const kept: Record<string, tf.Tensor> = {};
      const wrt = training.wrt ?? trainable;
      const xs = wrt.map((name) => {
        const t = params.get(name);
        if (!t) throw new Error(`missing parameter "${name}"`);
        return t;
      });
      const { value, grads } = tf.valueAndGrads((...ts: tf.Tensor[]) => {
        const bound = new Map(params);
        wrt.forEach((name, i) => bound.set(name, ts[i]!));
        const values = evaluate(graph, [lossId, ...extraIds], bound, inputs, ctx);
        extra.forEach((name, i) => (kept[name] = tf.keep(values.get(extraIds[i]!)!)));
        return values.get(lossId)! as tf.Scalar;
      })(xs);
      return { loss: value as tf.Scalar, grads: new Map(wrt.map((name, i) => [name, grads[i]!])), outputs: kept };
    },
  };
}
