/** Ablation sweeps: every variant of a model file pretrained, probed and fine-tuned, then tabulated. */
export { BUDGET_FLAGS, BUDGETS, isBudgetName, withOverrides, type Budget, type BudgetName, type BudgetOverrides } from './budget.ts';
export { createSweepView, sweepLine, sweepEta, type SweepCounts, type SweepView } from './progress.ts';
export { runSweep, type SweepOptions, type SweepSummary } from './sweep.ts';
export { toVariants, withControls, axesOf, folderName, CONTROL_NAME, type SweepVariant, type ControlEntry, type SweepEntry, type Axes } from './variant.ts';
export { toCsv, toMarkdown, csvField, mdCell, type Row } from './table.ts';
export { plotsFor, varyingAxes } from './plots.ts';
export { sweepFiles, variantPaths } from './layout.ts';
