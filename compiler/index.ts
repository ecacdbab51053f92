/**
 * The compiler's public API: build a spec's IR, check and transform it with passes, and
 * measure it. Example:
 * `const report = analyze(mae({ encoder: vitB }))` gives `report.params.trainable === 111_655_680`.
 */
export type { Dim, Shape, DType, Init, Param, InputName, Op, OpKind, Node, GraphKind, GraphMeta, Graph } from './ir/types.ts';
export { inferType, formatShape } from './ir/shapes.ts';
export type { Typed, ShapeResult } from './ir/shapes.ts';
export { GraphBuilder, IrError } from './ir/builder.ts';
export { buildGraph } from './build/mae.ts';
export * from './passes/index.ts';
export * from './analysis/index.ts';
