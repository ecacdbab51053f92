/**
 * A finding of a graph pass: data, never thrown. `node` names the offending node id
 * (`blocks.0.attn.qkv`) so a reader can find it in the serialised IR.
 *
 * Example: `{ code: 'IR001', node: 'blocks.0.attn.core', message: 'declared [N, 50, 768], inferred [N, 50, 384]' }`.
 */
export interface GraphDiagnostic {
  readonly code: string;
  readonly node: string;
  readonly message: string;
}

/** `blocks.0.attn.core: declared [N, 50, 768], inferred [N, 50, 384]` */
export function formatGraphDiagnostic(d: GraphDiagnostic): string {
  return `${d.code} ${d.node}: ${d.message}`;
}
