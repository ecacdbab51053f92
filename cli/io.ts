/**
 * Where a command writes. The CLI's edge passes process streams; tests pass buffers, so a
 * command runs in-process and its output can be compared with a golden file.
 */
export interface Io {
  /** The working directory paths are resolved against and printed relative to. */
  readonly cwd: string;
  out(text: string): void;
  err(text: string): void;
}

/** The process's own streams and working directory. */
export function processIo(): Io {
  return {
    cwd: process.cwd(),
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
  };
}

/** An Io that records what was written; `text()` is stdout and stderr as written. */
export function bufferIo(cwd: string): Io & { readonly stdout: string[]; readonly stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { cwd, stdout, stderr, out: (t) => void stdout.push(t), err: (t) => void stderr.push(t) };
}
