import * as tf from '@tensorflow/tfjs-core';
import type { Node, OpKind } from '../../compiler/ir/types.ts';
import { dropPath, meanTokens } from './ops/classify.ts';
import type { OpImpls } from './ops/impls.ts';
import { linear } from './ops/linear.ts';
import { crossEntropy, maskedMse, normalizePatches } from './ops/loss.ts';
import { argsort, maskFromRestore, maskReplace } from './ops/masking.ts';
import { patchify } from './ops/patchify.ts';
import { concatTokens, expandTokens, gatherTokens, sliceTokens } from './ops/tokens.ts';
import type { LoweringPolicy } from './lowering-policy.ts';
import { linearFlat } from './flat-linear.ts';

/** What an executor may read besides its inputs. */
export interface ExecContext {
  readonly policy: LoweringPolicy;
  /** Which implementation of the fused ops runs (the target's). */
  readonly ops: OpImpls;
  /** The batch size N of this run. */
  readonly batch: number;
  /**
   * Training only: the per-sample keep draws [N] (1 keep, 0 drop) of a `dropPath` node, by node
   * id. Absent (evaluation, or `lower`'s programs), every `dropPath` is the identity.
   */
  readonly dropPathKeep?: (nodeId: string) => tf.Tensor | undefined;
}

type Executor<K extends OpKind> = (node: Node & { op: Extract<Node['op'], { kind: K }> }, inputs: readonly tf.Tensor[], ctx: ExecContext) => tf.Tensor;

/** The lowering table: IR op kind -> how to compute it with tfjs. Inputs and params are bound by the program. */
export const EXECUTORS: { readonly [K in Exclude<OpKind, 'input' | 'param'>]: Executor<K> } = Object.freeze({
  patchify: (node, [imgs]) => patchify(imgs!, node.op.patch, node.op.order),
  // 'native': one custom-gradient op with no taped reshapes (flat-linear.ts), the same numbers.
  linear: (_node, [x, w, b], ctx) => (ctx.policy.linear === 'native' ? linearFlat(x!, w!, b!) : linear(ctx.policy, x!, w!, b!)),
  layerNorm: (node, [x, gamma, beta], ctx) => ctx.ops.layerNorm(x!, gamma!, beta!, node.op.eps),
  attention: (node, [qkv], ctx) => ctx.ops.attention(qkv!, node.op.heads),
  gelu: (_node, [x], ctx) => ctx.ops.gelu(x!),
  add: (_node, [a, b]) => tf.add(a!, b!),
  sliceTokens: (node, [x]) => sliceTokens(x!, node.op.start, node.op.end),
  concatTokens: (_node, inputs, ctx) => concatTokens(inputs, ctx.batch),
  expandTokens: (node, [token], ctx) => expandTokens(token!, ctx.batch, node.op.count),
  argsort: (_node, [keys]) => argsort(keys!),
  gatherTokens: (_node, [x, ids], ctx) => gatherTokens(ctx.policy, x!, ids!),
  maskFromRestore: (node, [idsRestore]) => maskFromRestore(idsRestore!, node.op.keep),
  maskReplace: (_node, [x, mask, token]) => maskReplace(x!, mask!, token!),
  normalizePatches: (node, [target]) => normalizePatches(target!, node.op.eps),
  maskedMse: (_node, [pred, target, mask]) => maskedMse(pred!, target!, mask!),
  crossEntropy: (_node, [logits, labels]) => crossEntropy(logits!, labels!),
  meanTokens: (_node, [x]) => meanTokens(x!),
  dropPath: (node, [x], ctx) => dropPath(x!, node.op.rate, ctx.dropPathKeep?.(node.id)),
});
