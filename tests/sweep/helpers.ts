/** Shared by the sweep tests: the repository root, a fresh temp folder, and a CLI run as a child process. */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Row } from '../../sweep/index.ts';
import type { VariantResult } from '../../sweep/run-variant.ts';
import { axesOf } from '../../sweep/index.ts';
import { mae, vit, type PretrainAugment } from '../../dsl/index.ts';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const FIXTURE = join(ROOT, 'tests/sweep/fixtures/two-plus-broken.ts');
export const TINY_DATA = 'synthetic:train=64,test=32,size=28,channels=1';

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'maec-sweep-'));
}

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
}

/** Sends `signal` to the CLI once `until()` holds (polled every 100 ms). */
export interface Interrupt {
  readonly until: () => boolean;
  readonly signal: NodeJS.Signals;
}

/** `node bin/maec.js ...args` in `cwd`, to its end; optionally interrupted midway. */
export function runCli(args: readonly string[], cwd = ROOT, interrupt?: Interrupt): Promise<CliRun> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/maec.js'), ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const poll = interrupt
      ? setInterval(() => {
          if (!interrupt.until()) return;
          child.kill(interrupt.signal);
          clearInterval(poll);
        }, 100)
      : undefined;
    child.on('close', () => clearInterval(poll));
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, seconds: (performance.now() - t0) / 1000 }));
  });
}

export const base = mae({ encoder: vit({ patch: 4, width: 16, depth: 1, heads: 2 }), decoder: { width: 16, depth: 1, heads: 2 }, mask: 0.75, image: { size: 28, channels: 1 } });

/** A finished run's result.json with one protocol (all labels) per `acc` pair, or with the given protocols. */
export function result(name: string, acc: readonly [probe: number, finetune: number], over: { seed?: number; pretrainSeconds?: number; heldout?: { loss: number; trivial: number }; protocols?: readonly (readonly [labels: number, probe: number, finetune: number])[] } = {}): VariantResult {
  const protocols = (over.protocols ?? [[100, acc[0], acc[1]]]).map(([labels, probeTop1, finetuneTop1]) => ({ labels, probeTop1, finetuneTop1, probeSeconds: 1, finetuneSeconds: 2 }));
  return {
    name,
    seed: over.seed ?? 0,
    probeTop1: protocols[0]!.probeTop1,
    finetuneTop1: protocols[0]!.finetuneTop1,
    pretrainSeconds: over.pretrainSeconds ?? 12.34,
    probeSeconds: 1,
    finetuneSeconds: 2,
    protocols,
    ...(over.heldout ? { heldout: over.heldout } : {}),
  };
}

/** A table row for a spec derived from a small base, its one run (seed 0) finished with the given accuracies or failed. */
export function row(name: string, over: { mask?: number; depth?: number; augment?: PretrainAugment }, acc?: readonly [probe: number, finetune: number]): Row {
  const spec = mae({ ...base, mask: over.mask ?? 0.75, decoder: { ...base.decoder, depth: over.depth ?? 1 }, augment: over.augment ?? 'crop' });
  return {
    entry: { kind: 'variant', name, dir: name, spec, axes: axesOf(spec), gflops: 0.00123456, speedup: 2.5 },
    runs: [{ seed: 0, folder: name, status: acc ? 'done' : 'failed', result: acc ? result(name, acc) : undefined }],
  };
}

/** The row with these runs instead: one per result (seeds 0, 1, ...), each finished. */
export function withRuns(r: Row, results: readonly VariantResult[]): Row {
  return { ...r, runs: results.map((x, seed) => ({ seed, folder: seed === 0 ? r.entry.dir : `${r.entry.dir},seed=${seed}`, status: 'done' as const, result: x })) };
}

/** The no-pretraining control's row for the small base, its one run finished with the given accuracies. */
export function controlRow(acc: readonly [probe: number, finetune: number], name = 'no pretraining'): Row {
  return {
    entry: { kind: 'control', name, dir: 'no-pretraining', spec: base, controls: [] },
    runs: [{ seed: 0, folder: 'no-pretraining', status: 'done', result: { ...result(name, acc), pretrainSeconds: 0 } }],
  };
}

/** One CSV line's fields, RFC 4180 quoting undone (the sweep's files hold no newlines in fields). */
export function csvCells(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted && c === '"' && line[i + 1] === '"') (cell += '"'), i++;
    else if (c === '"') quoted = !quoted;
    else if (c === ',' && !quoted) cells.push(cell), (cell = '');
    else cell += c;
  }
  cells.push(cell);
  return cells;
}
