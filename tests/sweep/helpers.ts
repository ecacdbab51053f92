/** Shared by the sweep tests: the repository root, a fresh temp folder, and a CLI run as a child process. */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Row } from '../../sweep/index.ts';
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

/** A table row for a spec derived from a small base, finished with the given accuracies or not. */
export function row(name: string, over: { mask?: number; depth?: number; augment?: PretrainAugment }, acc?: readonly [probe: number, finetune: number]): Row {
  const spec = mae({ ...base, mask: over.mask ?? 0.75, decoder: { ...base.decoder, depth: over.depth ?? 1 }, augment: over.augment ?? 'crop' });
  return {
    entry: { kind: 'variant', name, dir: name, spec, axes: axesOf(spec), gflops: 0.00123456, speedup: 2.5 },
    status: acc ? 'done' : 'failed',
    result: acc ? { name, probeTop1: acc[0], finetuneTop1: acc[1], pretrainSeconds: 12.34, probeSeconds: 1, finetuneSeconds: 2 } : undefined,
  };
}

/** The no-pretraining control's row for the small base, finished with the given accuracies. */
export function controlRow(acc: readonly [probe: number, finetune: number], name = 'no pretraining'): Row {
  return {
    entry: { kind: 'control', name, dir: 'no-pretraining', spec: base, controls: [] },
    status: 'done',
    result: { name, probeTop1: acc[0], finetuneTop1: acc[1], pretrainSeconds: 0, probeSeconds: 1, finetuneSeconds: 2 },
  };
}
