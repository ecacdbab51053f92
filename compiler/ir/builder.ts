import { inferType, type Typed } from './shapes.ts';
import type { DType, Graph, GraphKind, GraphMeta, InputName, Node, Op, Param, Shape } from './types.ts';

/** A graph could not be built: a shape rule failed at a node. */
export class IrError extends Error {
  constructor(
    readonly nodeId: string,
    readonly detail: string,
  ) {
    super(`${nodeId}: ${detail}`);
    this.name = 'IrError';
  }
}

/**
 * Accumulates nodes in topological order, inferring each node's shape as it is added, so a
 * graph is shape-correct by construction. Used only inside the builders; the Graph it
 * returns is frozen.
 */
export class GraphBuilder {
  private readonly nodes: Node[] = [];
  private readonly params: Param[] = [];
  private readonly byId = new Map<string, Node>();
  private readonly paramByName = new Map<string, Param>();

  /** Declares a graph input and returns its node id. */
  input(name: InputName, shape: Shape, dtype: DType = 'float32'): string {
    return this.add(name, { kind: 'input', name }, [], { shape, dtype });
  }

  /** Declares a parameter and returns the id of the node that reads it. */
  param(param: Param): string {
    if (this.paramByName.has(param.name)) throw new IrError(param.name, 'parameter declared twice');
    this.params.push(param);
    this.paramByName.set(param.name, param);
    return this.add(param.name, { kind: 'param', name: param.name }, []);
  }

  /** Adds an op node; its id must be unique. */
  op(id: string, op: Op, inputs: readonly string[]): string {
    return this.add(id, op, inputs);
  }

  typeOf(id: string): Typed {
    const node = this.byId.get(id);
    if (!node) throw new IrError(id, 'no such node');
    return node;
  }

  finish(kind: GraphKind, meta: GraphMeta, outputs: Record<string, string>): Graph {
    for (const [name, id] of Object.entries(outputs)) if (!this.byId.has(id)) throw new IrError(id, `output ${name} names no node`);
    return Object.freeze({
      kind,
      meta: Object.freeze({ ...meta }),
      nodes: Object.freeze([...this.nodes]),
      params: Object.freeze([...this.params]),
      outputs: Object.freeze({ ...outputs }),
    });
  }

  private add(id: string, op: Op, inputs: readonly string[], declared?: Typed): string {
    if (this.byId.has(id)) throw new IrError(id, 'node id used twice');
    const inputTypes = inputs.map((i) => this.typeOf(i));
    const param = op.kind === 'param' ? this.paramByName.get(op.name) : undefined;
    const result = inferType(op, inputTypes, param, declared);
    if (!result.ok) throw new IrError(id, result.error);
    const node: Node = Object.freeze({
      id,
      op: Object.freeze(op),
      inputs: Object.freeze([...inputs]),
      shape: Object.freeze([...result.value.shape]),
      dtype: result.value.dtype,
    });
    this.nodes.push(node);
    this.byId.set(id, node);
    return id;
  }
}
