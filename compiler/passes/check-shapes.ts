import { formatShape, inferType, type Typed } from '../ir/shapes.ts';
import type { Graph, Param } from '../ir/types.ts';
import type { GraphDiagnostic } from './diagnostic.ts';

/**
 * Re-infers every node's type from its inputs with the IR's shape rules and reports each
 * place where the graph disagrees with them: a node whose declared shape or dtype differs
 * from the inferred one (IR001), a shape rule that fails (IR002), an input that names no
 * earlier node (IR003), an output that names no node (IR004), a duplicate node id (IR005).
 * The builder makes graphs that pass by construction; this catches hand-edited or parsed IR.
 *
 * Example: `checkShapes(buildGraph(spec))` is `[]`; after changing `blocks.0.attn.core`'s
 * shape to `[N, 50, 384]` it reports `IR001 blocks.0.attn.core: declared [N, 50, 384], inferred [N, 50, 768]`.
 *
 * Consumers of a mismatched node are checked against its inferred type, so one edited node
 * yields one finding; where a rule fails, checking goes on with the declared type.
 */
export function checkShapes(graph: Graph): readonly GraphDiagnostic[] {
  const found: GraphDiagnostic[] = [];
  const params = new Map<string, Param>(graph.params.map((p) => [p.name, p]));
  const seen = new Map<string, Typed>();
  for (const node of graph.nodes) {
    if (seen.has(node.id)) found.push({ code: 'IR005', node: node.id, message: 'node id used twice' });
    const inputs: Typed[] = [];
    const missing = node.inputs.filter((id) => !seen.has(id));
    for (const id of missing) found.push({ code: 'IR003', node: node.id, message: `input ${id} is not defined before this node` });
    for (const id of node.inputs) {
      const t = seen.get(id);
      if (t) inputs.push(t);
    }
    seen.set(node.id, node);
    if (missing.length > 0) continue;
    const param = node.op.kind === 'param' ? params.get(node.op.name) : undefined;
    // An input node declares its own type; there is nothing to re-infer it from.
    const result = inferType(node.op, inputs, param, node.op.kind === 'input' ? node : undefined);
    if (!result.ok) {
      found.push({ code: 'IR002', node: node.id, message: result.error });
      continue;
    }
    const inferred = result.value;
    seen.set(node.id, inferred);
    if (formatShape(inferred.shape) !== formatShape(node.shape) || inferred.dtype !== node.dtype)
      found.push({
        code: 'IR001',
        node: node.id,
        message: `declared ${describe(node)}, inferred ${describe(inferred)}`,
      });
  }
  for (const [name, id] of Object.entries(graph.outputs))
    if (!seen.has(id)) found.push({ code: 'IR004', node: id, message: `output ${name} names no node` });
  return found;
}

function describe(t: Typed): string {
  return t.dtype === 'float32' ? formatShape(t.shape) : `${formatShape(t.shape)} ${t.dtype}`;
}
