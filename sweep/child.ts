/**
 * Runs one `maec` stage in a child process, so stages of several variants run in parallel and
 * a crash (even an out-of-memory abort) ends only that stage. The whole output goes to a log
 * file; the result keeps the tail for error reports.
 *
 * The child writes to the log file itself (its stdout and stderr are the file, not pipes to
 * this process): if this process dies, even by SIGKILL, the stage's output has nowhere broken
 * to go, so it can notice its parent is gone and save a checkpoint (cli/interrupt.ts) instead
 * of dying of a broken pipe.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, closeSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The CLI's entry point, next to this repository's sources. */
export const MAEC_BIN = fileURLToPath(new URL('../bin/maec.js', import.meta.url));

export interface ChildResult {
  /** The exit status; a signal shows as 128 + its number, a failed spawn as -1. */
  readonly code: number;
  readonly seconds: number;
  /** The last characters of the invocation's output (stdout and stderr as they came). */
  readonly tail: string;
}

/** How often the log is read for `onOutput` while the child runs. */
const OUTPUT_POLL_MS = 250;

/** The bytes of the file open as `fd` from `from` to its end (at most `max` of the last ones). */
function readFrom(fd: number, from: number, max = Infinity): { text: string; end: number } {
  const end = fstatSync(fd).size;
  const start = Math.max(from, end - max);
  if (end <= start) return { text: '', end: Math.max(end, from) };
  const buf = Buffer.alloc(end - start);
  const n = readSync(fd, buf, 0, buf.length, start);
  return { text: buf.subarray(0, n).toString('utf8'), end: start + n };
}

/**
 * `node bin/maec.js ...args` in `cwd`, stdout and stderr appended to `logPath`. Aborting
 * `signal` sends the child one SIGINT, which a training stage answers by saving a checkpoint
 * and exiting 130. The child has its own process group, so a Ctrl-C at the terminal reaches
 * only the sweep, which passes it on once (a second SIGINT would make the stage quit unsaved).
 * `onOutput` sees the output as it grows (read from the log a few times a second).
 * Example: `await runMaec(['probe', 'run', '--data', 'mnist'], '/repo', 'probe.log')`.
 */
export function runMaec(args: readonly string[], cwd: string, logPath: string, signal?: AbortSignal, tailChars = 4000, onOutput?: (chunk: string) => void): Promise<ChildResult> {
  const t0 = performance.now();
  const fd = openSync(logPath, 'a+');
  writeSync(fd, `$ maec ${args.join(' ')}\n`);
  const start = fstatSync(fd).size;
  let seen = start;
  const poll = () => {
    if (!onOutput) return;
    const r = readFrom(fd, seen);
    seen = r.end;
    if (r.text !== '') onOutput(r.text);
  };
  return new Promise((resolve) => {
    let spawnError = '';
    // No TTY: the stages print plain progress lines, which suit a log file.
    // MAEC_PARENT_PID: the stage stops (with a checkpoint) if this sweep dies (cli/interrupt.ts).
    const child = spawn(process.execPath, [MAEC_BIN, ...args], { cwd, stdio: ['ignore', fd, fd], detached: true, env: { ...process.env, MAEC_PARENT_PID: String(process.pid) }, ...(signal ? { signal, killSignal: 'SIGINT' as const } : {}) });
    const timer = onOutput ? setInterval(poll, OUTPUT_POLL_MS) : undefined;
    let finished = false;
    const finish = (code: number) => {
      if (finished) return;
      finished = true;
      clearInterval(timer);
      poll();
      const seconds = (performance.now() - t0) / 1000;
      // Bytes, then characters: a multi-byte character cut at the front is dropped by the slice.
      const tail = readFrom(fd, start, 4 * tailChars).text.slice(-tailChars) + spawnError;
      closeSync(fd);
      appendFileSync(logPath, `${spawnError}[exit ${code} after ${seconds.toFixed(1)}s]\n`);
      resolve({ code, seconds, tail });
    };
    child.on('error', (e) => {
      // An abort also reports here; 'close' then gives the exit status.
      if (e.name === 'AbortError') return;
      spawnError = `could not start ${MAEC_BIN}: ${e.message}\n`;
      finish(-1);
    });
    child.on('close', (code, killedBy) => finish(code ?? 128 + (killedBy ? signalNumber(killedBy) : 0)));
  });
}

function signalNumber(signal: NodeJS.Signals): number {
  return { SIGINT: 2, SIGKILL: 9, SIGTERM: 15, SIGABRT: 6, SIGSEGV: 11 }[signal as string] ?? 0;
}

/** One `runMaec` invocation as its log records it. */
export interface LoggedRun {
  /** The arguments after `maec`, as one line. */
  readonly command: string;
  readonly code: number;
  readonly seconds: number;
}

/**
 * The finished invocations in a log written by runMaec, in order: each opens with
 * `$ maec ARGS` and closes with `[exit CODE after SECONDSs]`.
 * Example: a log of a pretraining stopped once and resumed gives two runs, the second's
 * command starting `pretrain --resume`.
 */
export function loggedRuns(log: string): LoggedRun[] {
  const runs: LoggedRun[] = [];
  let command: string | undefined;
  for (const line of log.split('\n')) {
    if (line.startsWith('$ maec ')) command = line.slice('$ maec '.length);
    const end = /^\[exit (-?\d+) after ([\d.]+)s\]$/.exec(line);
    if (end && command !== undefined) {
      runs.push({ command, code: Number(end[1]), seconds: Number(end[2]) });
      command = undefined;
    }
  }
  return runs;
}
