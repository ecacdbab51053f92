/**
 * Runs one `maec` stage in a child process, so stages of several variants run in parallel and
 * a crash (even an out-of-memory abort) ends only that stage. The whole output goes to a log
 * file; the result keeps the tail for error reports.
 */
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The CLI's entry point, next to this repository's sources. */
export const MAEC_BIN = fileURLToPath(new URL('../bin/maec.js', import.meta.url));

export interface ChildResult {
  /** The exit status; a signal shows as 128 + its number, a failed spawn as -1. */
  readonly code: number;
  readonly seconds: number;
  /** The last lines of stderr (stdout when stderr is empty). */
  readonly tail: string;
}

/** Keeps the last `max` characters of a stream. */
function tailKeeper(max: number) {
  let text = '';
  return {
    add(chunk: string) {
      text = (text + chunk).slice(-max);
    },
    get text() {
      return text;
    },
  };
}

/**
 * `node bin/maec.js ...args` in `cwd`, stdout and stderr appended to `logPath`. Aborting
 * `signal` sends the child one SIGINT, which a training stage answers by saving a checkpoint
 * and exiting 130. The child has its own process group, so a Ctrl-C at the terminal reaches
 * only the sweep, which passes it on once (a second SIGINT would make the stage quit unsaved).
 * `onOutput` sees every chunk of stdout and stderr as it comes (a queue worker's progress).
 * Example: `await runMaec(['probe', 'run', '--data', 'mnist'], '/repo', 'probe.log')`.
 */
export function runMaec(args: readonly string[], cwd: string, logPath: string, signal?: AbortSignal, tailChars = 4000, onOutput?: (chunk: string) => void): Promise<ChildResult> {
  const t0 = performance.now();
  const log = createWriteStream(logPath, { flags: 'a' });
  log.write(`$ maec ${args.join(' ')}\n`);
  const err = tailKeeper(tailChars);
  const out = tailKeeper(tailChars);
  return new Promise((resolve) => {
    // No TTY: the stages print plain progress lines, which suit a log file.
    // MAEC_PARENT_PID: the stage stops (with a checkpoint) if this sweep dies (cli/interrupt.ts).
    const child = spawn(process.execPath, [MAEC_BIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: { ...process.env, MAEC_PARENT_PID: String(process.pid) }, ...(signal ? { signal, killSignal: 'SIGINT' as const } : {}) });
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      out.add(c);
      log.write(c);
      onOutput?.(c);
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      err.add(c);
      log.write(c);
      onOutput?.(c);
    });
    let finished = false;
    const finish = (code: number) => {
      if (finished) return;
      finished = true;
      const seconds = (performance.now() - t0) / 1000;
      log.end(`[exit ${code} after ${seconds.toFixed(1)}s]\n`, () => resolve({ code, seconds, tail: err.text.trim() !== '' ? err.text : out.text }));
    };
    child.on('error', (e) => {
      // An abort also reports here; 'close' then gives the exit status.
      if (e.name === 'AbortError') return;
      err.add(`could not start ${MAEC_BIN}: ${e.message}\n`);
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
