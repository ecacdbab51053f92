/** Failures of a training run that the CLI reports as run errors (exit 1), not crashes. */

export type TrainErrorCode =
  /** The loss became NaN or infinite. */
  | 'TRAIN001'
  /** The run folder cannot be used (not empty without --resume, no checkpoint to resume). */
  | 'TRAIN002'
  /** A checkpoint is unreadable or does not fit the model. */
  | 'TRAIN003'
  /** The data cannot feed the model. */
  | 'TRAIN004'
  /** A file of the run could not be written or read (full or read-only disk, permissions). */
  | 'TRAIN005'
  /** A training thread could not start or failed (runtime/parallel). */
  | 'TRAIN006';

export class TrainError extends Error {
  constructor(
    readonly code: TrainErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'TrainError';
  }
}
