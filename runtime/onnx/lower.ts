/**
 * The ONNX lowering target: maec's IR (compiler/ir/types.ts) written as an ONNX model (opset 17,
 * IR version 8) with the parameters as initializers under their official names. It reads only
 * the IR, as runtime/tfjs does; every op kind has one entry in ONNX_OPS below, so a new IR op
 * fails to compile here until it is lowered.
 *
 * Conventions: the symbolic batch N becomes the dimension `batch_size`; integer IR values
 * (int32 index tables) are int64 in ONNX, as ONNX's index ops want them. Only the nodes the
 * requested outputs depend on are written. The protobuf messages come from `onnx-proto`.
 */
import { dependencyIds } from '../../compiler/ir/dependencies.ts';
import onnxProto from 'onnx-proto';
import type { Graph, InputName, Node, OpKind } from '../../compiler/ir/types.ts';

const { onnx } = onnxProto;
type IAttr = onnxProto.onnx.IAttributeProto;

export const ONNX_OPSET = 17;
const IR_VERSION = 8;
const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT64 = onnx.TensorProto.DataType.INT64;
const BATCH_DIM = 'batch_size';
/** A protobuf message, so a whole ONNX file without external data, is at most 2 GiB; leave room for the graph. */
const MAX_MODEL_BYTES = 2 ** 31 - 2 ** 24;

/** A graph that cannot be written as asked; `message` names the input, output or parameter. */
export class OnnxLoweringError extends Error {
  override readonly name = 'OnnxLoweringError';
}

export interface OnnxOptions {
  /** ONNX input name for each IR input the outputs need, e.g. `{ imgs: 'pixel_values' }` (default: the IR name). */
  readonly inputs?: { readonly [K in InputName]?: string };
  /** ONNX output name -> IR output (a key of `graph.outputs`), in the order written. */
  readonly outputs: readonly (readonly [onnxName: string, irOutput: string])[];
  /** Every parameter the outputs need, by official name, row-major float32. */
  readonly params: ReadonlyMap<string, Float32Array>;
  readonly graphName?: string;
  readonly producerVersion?: string;
  readonly docString?: string;
  /** Extra key/value pairs for the model's metadata_props. */
  readonly metadata?: Readonly<Record<string, string>>;
}

type Attrs = Readonly<Record<string, number | readonly number[] | { readonly float: number }>>;

/** Nodes, initializers and fresh names of the graph being written. */
class OnnxBuilder {
  readonly nodes: onnxProto.onnx.INodeProto[] = [];
  readonly initializers: onnxProto.onnx.ITensorProto[] = [];
  private readonly used = new Set<string>();
  private counter = 0;
  private batchShape: string | undefined;

  constructor(private readonly batchSource: () => string) {}

  reserve(name: string): string {
    if (this.used.has(name)) throw new OnnxLoweringError(`ONNX value name ${name} used twice`);
    this.used.add(name);
    return name;
  }

  has(name: string): boolean {
    return this.used.has(name);
  }

  fresh(hint: string): string {
    let name: string;
    do name = `${hint}/${this.counter++}`;
    while (this.used.has(name));
    this.used.add(name);
    return name;
  }

  /** One node; returns its outputs (fresh names from `hint` unless `outputs` are given). */
  op(opType: string, inputs: readonly string[], hint: string, attrs: Attrs = {}, outputs: readonly string[] | number = 1): string[] {
    const outs = typeof outputs === 'number' ? Array.from({ length: outputs }, () => this.fresh(`${hint}/${opType}`)) : [...outputs];
    this.nodes.push({ opType, input: [...inputs], output: outs, name: this.fresh(`${hint}/${opType}:node`), attribute: Object.entries(attrs).map(([n, v]) => attribute(n, v)) });
    return outs;
  }

  one(opType: string, inputs: readonly string[], hint: string, attrs: Attrs = {}, output?: string): string {
    return this.op(opType, inputs, hint, attrs, output === undefined ? 1 : [output])[0]!;
  }

  int64s(values: readonly number[], hint = 'const'): string {
    const name = this.fresh(hint);
    const data = new BigInt64Array(values.map((v) => BigInt(v)));
    this.initializers.push({ name, dims: [values.length], dataType: INT64, rawData: new Uint8Array(data.buffer) });
    return name;
  }

  int64Scalar(value: number, hint = 'const'): string {
    const name = this.fresh(hint);
    this.initializers.push({ name, dims: [], dataType: INT64, rawData: new Uint8Array(new BigInt64Array([BigInt(value)]).buffer) });
    return name;
  }

  floatScalar(value: number, hint = 'const'): string {
    const name = this.fresh(hint);
    this.initializers.push({ name, dims: [], dataType: FLOAT, rawData: new Uint8Array(new Float32Array([value]).buffer) });
    return name;
  }

  floatTensor(name: string, dims: readonly number[], data: Float32Array): void {
    this.reserve(name);
    const bytes = new Uint8Array(data.byteLength);
    bytes.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    this.initializers.push({ name, dims: [...dims], dataType: FLOAT, rawData: bytes });
  }

  /** [N] as a 1-D int64 tensor, taken from the first graph input. */
  batch(): string {
    if (this.batchShape === undefined) {
      const shape = this.one('Shape', [this.batchSource()], 'batch');
      this.batchShape = this.one('Slice', [shape, this.int64s([0]), this.int64s([1]), this.int64s([0])], 'batch');
    }
    return this.batchShape;
  }

  /** x [1, ...rest] broadcast to [N, ...rest]. */
  toBatch(x: string, rank: number, hint: string): string {
    const shape = this.one('Concat', [this.batch(), this.int64s(Array.from({ length: rank - 1 }, () => 1))], hint, { axis: 0 });
    return this.one('Expand', [x, shape], hint);
  }
}

function attribute(name: string, v: number | readonly number[] | { readonly float: number }): IAttr {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof v === 'number') return { name, type: T.INT, i: v };
  if ('float' in v) return { name, type: T.FLOAT, f: v.float };
  return { name, type: T.INTS, ints: [...v] };
}

/** What a lowering rule sees: the node, its input values, and where to write. */
interface Site {
  readonly node: Node;
  readonly inputs: readonly string[];
  /** Input nodes, for their shapes. */
  readonly inputNodes: readonly Node[];
  readonly b: OnnxBuilder;
  /** The ONNX value name this node's result must have. */
  readonly out: string;
}

type Rule<K extends OpKind> = (site: Site & { node: Node & { op: Extract<Node['op'], { kind: K }> } }) => void;

const last = (shape: readonly unknown[]): number => {
  const d = shape[shape.length - 1];
  if (typeof d !== 'number') throw new OnnxLoweringError('the last axis must have a fixed size');
  return d;
};

/** The lowering table: IR op kind -> ONNX nodes. */
const ONNX_OPS: { readonly [K in Exclude<OpKind, 'input' | 'param'>]: Rule<K> } = {
  patchify: ({ node, inputs: [imgs], inputNodes: [img], b, out }) => {
    const { patch: p, order } = node.op;
    const [, c, h] = img!.shape as [unknown, number, number];
    const g = h / p;
    const grid = b.one('Reshape', [imgs!, b.int64s([0, c, g, p, g, p])], node.id); // [N, C, gi, r, gj, s]
    const perm = order === 'chw' ? [0, 2, 4, 1, 3, 5] : [0, 2, 4, 3, 5, 1];
    const moved = b.one('Transpose', [grid], node.id, { perm });
    b.one('Reshape', [moved, b.int64s([0, g * g, p * p * c])], node.id, {}, out);
  },
  linear: ({ node, inputs: [x, w, bias], inputNodes: [, wNode], b, out }) => {
    const wShape = wNode!.shape as readonly number[];
    const outF = wShape[0]!;
    const inF = wShape.slice(1).reduce((a, d) => a * d, 1);
    const w2 = wShape.length === 2 ? w! : b.one('Reshape', [w!, b.int64s([outF, inF])], node.id);
    const wt = b.one('Transpose', [w2], node.id, { perm: [1, 0] }); // [in, out]
    const y = b.one('MatMul', [x!, wt], node.id);
    b.one('Add', [y, bias!], node.id, {}, out);
  },
  layerNorm: ({ node, inputs: [x, gamma, beta], b, out }) => {
    b.one('LayerNormalization', [x!, gamma!, beta!], node.id, { axis: -1, epsilon: { float: node.op.eps } }, out);
  },
  attention: ({ node, inputs: [qkv], inputNodes: [qkvNode], b, out }) => {
    const heads = node.op.heads;
    const t = qkvNode!.shape[1] as number;
    const d = last(qkvNode!.shape) / 3;
    const hd = d / heads;
    const split = b.one('Reshape', [qkv!, b.int64s([0, t, 3, heads, hd])], node.id); // [N, T, 3, H, hd]
    const moved = b.one('Transpose', [split], node.id, { perm: [2, 0, 3, 1, 4] }); // [3, N, H, T, hd]
    const [q, k, v] = [0, 1, 2].map((i) => b.one('Gather', [moved, b.int64Scalar(i)], node.id, { axis: 0 })); // [N, H, T, hd]
    const kt = b.one('Transpose', [k!], node.id, { perm: [0, 1, 3, 2] }); // [N, H, hd, T]
    const scores = b.one('Mul', [b.one('MatMul', [q!, kt], node.id), b.floatScalar(hd ** -0.5)], node.id);
    const weights = b.one('Softmax', [scores], node.id, { axis: -1 });
    const mixed = b.one('MatMul', [weights, v!], node.id); // [N, H, T, hd]
    const back = b.one('Transpose', [mixed], node.id, { perm: [0, 2, 1, 3] }); // [N, T, H, hd]
    b.one('Reshape', [back, b.int64s([0, t, d])], node.id, {}, out);
  },
  gelu: ({ node, inputs: [x], b, out }) => {
    // Exact GELU, 0.5 x (1 + erf(x / sqrt 2)); ONNX has no Gelu op before opset 20.
    const erf = b.one('Erf', [b.one('Div', [x!, b.floatScalar(Math.SQRT2)], node.id)], node.id);
    const onePlus = b.one('Add', [erf, b.floatScalar(1)], node.id);
    b.one('Mul', [b.one('Mul', [x!, onePlus], node.id), b.floatScalar(0.5)], node.id, {}, out);
  },
  add: ({ node, inputs: [a, c], b, out }) => {
    b.one('Add', [a!, c!], node.id, {}, out);
  },
  sliceTokens: ({ node, inputs: [x], b, out }) => {
    b.one('Slice', [x!, b.int64s([node.op.start]), b.int64s([node.op.end]), b.int64s([1])], node.id, {}, out);
  },
  concatTokens: ({ node, inputs, inputNodes, b, out }) => {
    const batched = inputs.map((x, i) => (inputNodes[i]!.shape[0] === 1 && node.shape[0] !== 1 ? b.toBatch(x, inputNodes[i]!.shape.length, node.id) : x));
    b.one('Concat', batched, node.id, { axis: 1 }, out);
  },
  expandTokens: ({ node, inputs: [token], b, out }) => {
    const shape = b.one('Concat', [b.batch(), b.int64s([node.op.count, 1])], node.id, { axis: 0 });
    b.one('Expand', [token!, shape], node.id, {}, out);
  },
  argsort: ({ node, inputs: [keys], inputNodes: [keyNode], b, out }) => {
    // TopK(smallest first, sorted) gives the ascending order; integer keys (a permutation) are exact in float32.
    const floatKeys = keyNode!.dtype === 'int32' ? b.one('Cast', [keys!], node.id, { to: FLOAT }) : keys!;
    const l = last(keyNode!.shape);
    b.op('TopK', [floatKeys, b.int64s([l])], node.id, { axis: -1, largest: 0, sorted: 1 }, [b.fresh(`${node.id}/values`), out]);
  },
  gatherTokens: ({ node, inputs: [x, ids], b, out }) => {
    const index = b.one('Unsqueeze', [ids!, b.int64s([-1])], node.id); // [N, K, 1]
    b.one('GatherND', [x!, index], node.id, { batch_dims: 1 }, out);
  },
  maskFromRestore: ({ node, inputs: [ids], b, out }) => {
    const removed = b.one('GreaterOrEqual', [ids!, b.int64Scalar(node.op.keep)], node.id);
    b.one('Cast', [removed], node.id, { to: FLOAT }, out);
  },
  maskReplace: ({ node, inputs: [x, mask, token], b, out }) => {
    const m = b.one('Unsqueeze', [mask!, b.int64s([-1])], node.id); // [N, L, 1]
    const kept = b.one('Mul', [x!, b.one('Sub', [b.floatScalar(1), m], node.id)], node.id);
    b.one('Add', [kept, b.one('Mul', [token!, m], node.id)], node.id, {}, out);
  },
  normalizePatches: ({ node, inputs: [t], inputNodes: [tNode], b, out }) => {
    const n = last(tNode!.shape);
    const mean = b.one('ReduceMean', [t!], node.id, { axes: [-1], keepdims: 1 });
    const centred = b.one('Sub', [t!, mean], node.id);
    const biased = b.one('ReduceMean', [b.one('Mul', [centred, centred], node.id)], node.id, { axes: [-1], keepdims: 1 });
    const unbiased = b.one('Mul', [biased, b.floatScalar(n / (n - 1))], node.id);
    const std = b.one('Sqrt', [b.one('Add', [unbiased, b.floatScalar(node.op.eps)], node.id)], node.id);
    b.one('Div', [centred, std], node.id, {}, out);
  },
  maskedMse: ({ node, inputs: [pred, target, mask], b, out }) => {
    const e = b.one('Sub', [pred!, target!], node.id);
    const perPatch = b.one('ReduceMean', [b.one('Mul', [e, e], node.id)], node.id, { axes: [-1], keepdims: 0 }); // [N, L]
    const num = b.one('ReduceSum', [b.one('Mul', [perPatch, mask!], node.id)], node.id, { keepdims: 0 });
    const den = b.one('ReduceSum', [mask!], node.id, { keepdims: 0 });
    b.one('Div', [num, den], node.id, {}, out);
  },
  crossEntropy: ({ node, inputs: [logits, labels], b, out }) => {
    const logp = b.one('LogSoftmax', [logits!], node.id, { axis: -1 });
    const perSample = b.one('ReduceSum', [b.one('Mul', [labels!, logp], node.id), b.int64s([1])], node.id, { keepdims: 0 }); // [N]
    b.one('Neg', [b.one('ReduceMean', [perSample], node.id, { axes: [0], keepdims: 0 })], node.id, {}, out);
  },
  meanTokens: ({ node, inputs: [x], b, out }) => {
    b.one('ReduceMean', [x!], node.id, { axes: [1], keepdims: 0 }, out);
  },
  dropPath: ({ node, inputs: [x], b, out }) => {
    // Evaluation: stochastic depth is the identity.
    b.one('Identity', [x!], node.id, {}, out);
  },
};

/**
 * The ONNX model (serialised ModelProto) computing `options.outputs` of `graph` from its inputs.
 * Throws OnnxLoweringError for an unknown output, a missing or mis-sized parameter, or a name
 * clash.
 *
 * @example
 * const bytes = lowerToOnnx(buildGraph(spec, 'encoder'), { inputs: { imgs: 'pixel_values' }, outputs: [['last_hidden_state', 'latent']], params });
 */
export function lowerToOnnx(graph: Graph, options: OnnxOptions): Uint8Array {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const wanted = options.outputs.map(([onnxName, ir]) => {
    const id = graph.outputs[ir];
    if (id === undefined) throw new OnnxLoweringError(`the ${graph.kind} graph has no output ${ir} (it has ${Object.keys(graph.outputs).join(', ')})`);
    return { onnxName, node: byId.get(id)! };
  });
  const needed = dependencyIds(graph, wanted.map((w) => w.node.id));
  const inputNodes = graph.nodes.filter((n) => n.op.kind === 'input' && needed.has(n.id));
  const inputName = (n: Node) => (n.op.kind === 'input' ? (options.inputs?.[n.op.name] ?? n.op.name) : n.id);
  const b = new OnnxBuilder(() => {
    if (inputNodes.length === 0) throw new OnnxLoweringError('the outputs need the batch size but depend on no input');
    return inputName(inputNodes[0]!);
  });

  // ONNX value names: inputs by their ONNX names, outputs by theirs, other nodes by IR id.
  const valueName = new Map<string, string>();
  for (const n of inputNodes) valueName.set(n.id, b.reserve(inputName(n)));
  for (const w of wanted) {
    if (valueName.has(w.node.id)) throw new OnnxLoweringError(`output ${w.onnxName}: node ${w.node.id} is already written as ${valueName.get(w.node.id)}`);
    valueName.set(w.node.id, b.reserve(w.onnxName));
  }
  const paramShapes = new Map(graph.params.map((p) => [p.name, p.shape]));
  const paramBytes = graph.params.filter((p) => needed.has(p.name)).reduce((a, p) => a + 4 * p.shape.reduce((x, d) => x * d, 1), 0);
  if (paramBytes > MAX_MODEL_BYTES)
    throw new OnnxLoweringError(`the parameters take ${(paramBytes / 2 ** 30).toFixed(2)} GiB, more than the 2 GiB a single ONNX (protobuf) file can hold; maec does not write ONNX external data`);
  for (const n of graph.nodes) {
    if (!needed.has(n.id) || n.op.kind !== 'param') continue;
    const data = options.params.get(n.op.name);
    const shape = paramShapes.get(n.op.name)!;
    const size = shape.reduce((a, d) => a * d, 1);
    if (data === undefined) throw new OnnxLoweringError(`parameter ${n.op.name} is missing (expected shape [${shape.join(', ')}])`);
    if (data.length !== size) throw new OnnxLoweringError(`parameter ${n.op.name}: shape [${shape.join(', ')}] needs ${size} values, found ${data.length}`);
    b.floatTensor(n.op.name, shape, data);
    valueName.set(n.id, n.op.name);
  }
  for (const n of graph.nodes) {
    if (!needed.has(n.id) || n.op.kind === 'input' || n.op.kind === 'param') continue;
    // An IR id taken by an input or output name (output `target` may be node `target.normalized`) gets a fresh one.
    if (!valueName.has(n.id)) valueName.set(n.id, b.has(n.id) ? b.fresh(n.id) : b.reserve(n.id));
    const rule = ONNX_OPS[n.op.kind] as Rule<OpKind>;
    rule({ node: n as never, inputs: n.inputs.map((i) => valueName.get(i)!), inputNodes: n.inputs.map((i) => byId.get(i)!), b, out: valueName.get(n.id)! });
  }

  const model = onnx.ModelProto.create({
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    producerName: 'maec',
    producerVersion: options.producerVersion ?? '',
    docString: options.docString ?? '',
    metadataProps: Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
    graph: {
      name: options.graphName ?? graph.kind,
      node: b.nodes,
      initializer: b.initializers,
      input: inputNodes.map((n) => valueInfo(inputName(n), n)),
      output: wanted.map((w) => valueInfo(w.onnxName, w.node)),
    },
  });
  return onnx.ModelProto.encode(model).finish();
}


function valueInfo(name: string, node: Node): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: node.dtype === 'int32' ? INT64 : FLOAT,
        shape: { dim: node.shape.map((d) => (d === 'N' ? { dimParam: BATCH_DIM } : { dimValue: d })) },
      },
    },
  };
}
