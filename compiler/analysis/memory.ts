import type { Graph, Node } from '../ir/types.ts';
import { elements } from './params.ts';

/** Bytes per element: every IR dtype (float32, int32) is 4 bytes wide. */
export const BYTES_PER_ELEMENT = 4;
/** fp32 weight + fp32 gradient + AdamW's two fp32 moments. */
export const TRAINING_BYTES_PER_PARAM = 16;

/**
 * Activation memory of a training step for one image, in bytes. The model: reverse-mode
 * autodiff keeps every intermediate the backward pass may read, so count
 * - the output of every node with the batch dimension (inputs, patches, masks, indices and
 *   every float intermediate), one image's worth, at 4 bytes per element;
 * - plus, per `attention` node, its softmax probabilities [heads, T, T], which the IR does
 *   not name as a node but the backward pass needs.
 * Parameter reads and the batch-free position slices are not activations. This is an upper
 * bound for an allocator that frees nothing, a lower bound for one that also keeps the
 * pre-softmax scores; it scales exactly with batch size.
 *
 * Example: a node of shape [N, 50, 768] adds 50 * 768 * 4 = 153,600 bytes.
 */
export function activationBytes(graph: Graph): number {
  let total = 0;
  for (const node of graph.nodes) total += nodeActivationBytes(node);
  return total;
}

export function nodeActivationBytes(node: Node): number {
  if (node.shape[0] !== 'N') return 0;
  let bytes = node.shape.slice(1).reduce<number>((a, d) => a * (d as number), 1) * BYTES_PER_ELEMENT;
  if (node.op.kind === 'attention') {
    const tokens = node.shape[1] as number;
    bytes += node.op.heads * tokens * tokens * BYTES_PER_ELEMENT;
  }
  return bytes;
}

/**
 * Memory of the training state, independent of the batch: 16 bytes per trainable parameter
 * (weight, gradient, AdamW m and v, all fp32) plus 4 bytes per frozen one (the position
 * tables are stored but neither differentiated nor updated).
 * MAE ViT-B/16: 16 * 111,655,680 + 4 * 252,160 = 1,787,499,520 bytes.
 */
export function trainingStateBytes(graph: Graph): number {
  let total = 0;
  for (const p of graph.params) total += elements(p) * (p.trainable ? TRAINING_BYTES_PER_PARAM : BYTES_PER_ELEMENT);
  return total;
}
