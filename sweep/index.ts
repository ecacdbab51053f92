/** Ablation sweeps: every variant of a model file pretrained, probed and fine-tuned, then tabulated. */
export { BUDGET_FLAGS, BUDGETS, isBudgetName, withOverrides, type Budget, type BudgetName, type BudgetOverrides } from './budget.ts';
export { createSweepView, sweepLine, sweepEta, type SweepCounts, type SweepView } from './progress.ts';
export { runSweep, type SweepOptions, type SweepSummary } from './sweep.ts';
export { toVariants, withControls, axesOf, folderName, sweepRuns, CONTROL_NAME, type SweepVariant, type ControlEntry, type SweepEntry, type SweepRun, type Axes } from './variant.ts';
export { toCsv, toMarkdown, toRunsCsv, csvField, mdCell, rowStatus, type Row, type RunRow } from './table.ts';
export { summarize, difference, type Summary, type Difference } from './stats.ts';
export { plotsFor, varyingAxes, labelsName } from './plots.ts';
export { sweepFiles, variantPaths, seedFolder, evalStage } from './layout.ts';
