/**
 * maec's intermediate representation: a small graph of typed ops with static shapes.
 *
 * The IR knows nothing of the DSL or of tfjs: a builder turns a spec into a graph, passes map
 * graphs to graphs, and each lowering target (tfjs today) reads only what is declared here.
 */

/** A dimension: a fixed size, or 'N', the symbolic batch size. */
export type Dim = number | 'N';
export type Shape = readonly Dim[];
export type DType = 'float32' | 'int32';

/** How a parameter is initialised (../shared/reference/MAE-SPEC.md, "Initialisation"). */
export type Init =
  | { readonly kind: 'xavierUniform'; readonly fanIn: number; readonly fanOut: number }
  | { readonly kind: 'normal'; readonly std: number }
  | { readonly kind: 'zeros' }
  | { readonly kind: 'ones' }
  /** The frozen 2-D sin-cos position table [1, 1+g*g, dim]; row 0 (the cls row) is zeros. */
  | { readonly kind: 'sincos2d'; readonly grid: number; readonly dim: number };

export interface Param {
  /** The official PyTorch state_dict name, e.g. `blocks.0.attn.qkv.weight`. */
  readonly name: string;
  readonly shape: readonly number[];
  readonly init: Init;
  /** False for the frozen position tables. */
  readonly trainable: boolean;
  /** Whether AdamW's weight decay applies: not to 1-D parameters and biases. */
  readonly decay: boolean;
  /** Reporting group: `patch_embed`, `blocks.3`, `norm`, `decoder_blocks.0`, `tokens`, ... */
  readonly module: string;
  readonly part: 'encoder' | 'decoder';
  /**
   * Layer id for layer-wise lr decay in fine-tuning: 0 for patch embedding, cls and position
   * tables, i + 1 for encoder block i, depth + 1 for what follows the blocks.
   */
  readonly layer: number;
}

/**
 * Graph inputs: imgs [N, C, H, W]; noise [N, L] (masked graphs); labels [N, classes], the
 * target distribution of a classifier's loss (one-hot, smoothed or mixed by the runtime);
 * features [N, D], the frozen features a linear-probe head reads.
 */
export type InputName = 'imgs' | 'noise' | 'labels' | 'features';

/** The ops; each one's shape rule lives in shapes.ts and its lowering in the target. */
export type Op =
  /** imgs [N, C, H, W], noise [N, L], labels [N, classes] or features [N, D], all float32. */
  | { readonly kind: 'input'; readonly name: InputName }
  | { readonly kind: 'param'; readonly name: string }
  /**
   * [N, C, g*p, g*p] -> [N, g*g, p*p*C]. Patch l = i*g + j (row-major). Inside a patch,
   * order 'hwc' is `(r*p + s)*C + c` (the loss target) and 'chw' is `(c*p + r)*p + s` (the
   * order in which the official conv weight [D, C, p, p] reads a patch).
   */
  | { readonly kind: 'patchify'; readonly patch: number; readonly order: 'hwc' | 'chw' }
  /** y = x W^T + b with W [out, in] (or any shape [out, ...] flattening to that). Inputs: x, W, b. */
  | { readonly kind: 'linear' }
  /** Biased-variance LayerNorm over the last axis. Inputs: x, gamma, beta. */
  | { readonly kind: 'layerNorm'; readonly eps: number }
  /**
   * Multi-head self-attention core: qkv [N, T, 3D] -> [N, T, D]. Columns [0, D) are q,
   * [D, 2D) k, [2D, 3D) v; head h uses columns h*hd .. (h+1)*hd - 1; scale hd^-0.5.
   */
  | { readonly kind: 'attention'; readonly heads: number }
  /** Exact (erf) GELU. */
  | { readonly kind: 'gelu' }
  /** Elementwise add with trailing-axis broadcasting (a [1, T, D] table onto [N, T, D]). */
  | { readonly kind: 'add' }
  /** x[:, start:end] along axis 1 (tokens, or columns of an [N, L] index table). */
  | { readonly kind: 'sliceTokens'; readonly start: number; readonly end: number }
  /** Concatenation along axis 1; an input whose axis 0 is 1 is broadcast to the batch. */
  | { readonly kind: 'concatTokens' }
  /** A learned token [1, 1, D] repeated to [N, count, D]. */
  | { readonly kind: 'expandTokens'; readonly count: number }
  /** Ascending argsort of each row of [N, L]: the index of the smallest value first. */
  | { readonly kind: 'argsort' }
  /** out[n, k, :] = x[n, ids[n, k], :]. Inputs: x [N, L, D], ids [N, K] int32. */
  | { readonly kind: 'gatherTokens' }
  /** mask[n, l] = 1 if ids_restore[n, l] >= keep (the patch was removed), else 0. */
  | { readonly kind: 'maskFromRestore'; readonly keep: number }
  /** x * (1 - mask) + token * mask: masked patches replaced by a learned token. Inputs: x, mask, token. */
  | { readonly kind: 'maskReplace' }
  /** Per patch (t - mean) / sqrt(var + eps) with the unbiased variance over the last axis. */
  | { readonly kind: 'normalizePatches'; readonly eps: number }
  /** sum(mask * mean_last((pred - target)^2)) / sum(mask) -> scalar. Inputs: pred, target, mask. */
  | { readonly kind: 'maskedMse' }
  /**
   * Cross-entropy against target distributions: mean_n(-sum_c labels[n, c] * log softmax(logits)[n, c]).
   * Inputs: logits [N, C], labels [N, C] -> scalar. With labels (1 - s) * onehot + s / C it is
   * timm's label-smoothing loss; mixup's mixed labels fit the same op.
   */
  | { readonly kind: 'crossEntropy' }
  /** Mean over axis 1: [N, T, D] -> [N, D] (global average pooling of tokens for fine-tuning). */
  | { readonly kind: 'meanTokens' }
  /**
   * Stochastic depth on a residual branch x [N, ...]: in training each sample's branch is
   * dropped with probability `rate` and kept ones are scaled by 1 / (1 - rate); at evaluation
   * it is the identity. The draws come from the run, not from the graph.
   */
  | { readonly kind: 'dropPath'; readonly rate: number };

export type OpKind = Op['kind'];

export interface Node {
  /** Unique within the graph; also a readable name (`blocks.0.attn.qkv`). */
  readonly id: string;
  readonly op: Op;
  readonly inputs: readonly string[];
  readonly shape: Shape;
  readonly dtype: DType;
}

/**
 * Which graph a builder made from a spec: the MAE ('pretrain'), the symmetric baseline, an
 * encoder (or classifier) on whole images, or a head on frozen features (the linear probe).
 */
export type GraphKind = 'pretrain' | 'symmetric' | 'encoder' | 'head';

/** Sizes a target needs without reaching back into the DSL. */
export interface GraphMeta {
  readonly imageSize: number;
  readonly channels: number;
  readonly patch: number;
  readonly grid: number;
  /** L */
  readonly numPatches: number;
  /** K: visible patches (L for the encoder-only graph, which masks nothing). */
  readonly numVisible: number;
  readonly encoderWidth: number;
  readonly encoderDepth: number;
  readonly decoderWidth: number;
  readonly decoderDepth: number;
  readonly normPixLoss: boolean;
}

export interface Graph {
  readonly kind: GraphKind;
  readonly meta: GraphMeta;
  /** Nodes in topological order: every input of a node comes before it. */
  readonly nodes: readonly Node[];
  readonly params: readonly Param[];
  /** Named results, e.g. loss, pred, mask, ids_restore, latent -> node id. */
  readonly outputs: Readonly<Record<string, string>>;
}
