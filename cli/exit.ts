/** Exit statuses shared by every command. */
export const EXIT = Object.freeze({
  /** Everything compiled (or ran). */
  ok: 0,
  /** The model has errors: type errors, rule violations, or it failed to evaluate. */
  modelError: 1,
  /** The command line is wrong: missing file, unknown flag, nothing to compile. */
  usage: 2,
  /** A training run stopped by Ctrl-C after saving its checkpoint (the conventional 128 + SIGINT). */
  interrupted: 130,
});

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
