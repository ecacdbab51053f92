export type { GraphDiagnostic } from './diagnostic.ts';
export { formatGraphDiagnostic } from './diagnostic.ts';
export { checkShapes } from './check-shapes.ts';
export { prune } from './prune.ts';
export { freezeParams } from './freeze-params.ts';
export { serializeGraph, parseGraph, IR_FORMAT } from './serialize.ts';
