/** Training progress output: a bar on terminals, periodic lines elsewhere. */
export { bar, formatDuration, statusLine, type ProgressState } from './format.ts';
export { createReporter, type Reporter, type ReporterOptions } from './reporter.ts';
export { EtaEstimator } from './eta.ts';
