/** Shared pieces of the training tests: the tiny spec, a quiet reporter, temp folders, the CLI. */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as E from 'fp-ts/lib/Either.js';
import { decodeSpec } from '../../dsl/decode.ts';
import type { MaeSpec } from '../../dsl/index.ts';
import type { Reporter } from '../../runtime/progress/index.ts';
import type { PretrainHyper } from '../../runtime/train/hyper.ts';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** 16x16x1, 4x4 patches (L = 16), one 32-wide block each side: a step takes milliseconds. */
export const TINY_SPEC_PATH = join(ROOT, 'tests/train/fixtures/tiny-16.json');

export function tinySpec(): MaeSpec {
  const decoded = decodeSpec(JSON.parse(readFileSync(TINY_SPEC_PATH, 'utf8')));
  if (E.isLeft(decoded)) throw new Error('the tiny test spec does not decode');
  return decoded.right;
}

export const TINY_HYPER: PretrainHyper = { epochs: 2, batch: 32, accum: 1, blr: 1e-3, warmupEpochs: 0.1, seed: 0, checkpointEvery: 3 };
export const TINY_DATA = 'synthetic:train=256,test=16';

export const quietReporter: Reporter = { update: () => {}, note: () => {} };

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'maec-train-'));
}

/** Runs `node bin/maec.js ...args`; `onStdout` sees output as it comes (to send signals). */
export function runCli(args: readonly string[], onStdout?: (text: string, child: ReturnType<typeof spawn>) => void): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/maec.js'), ...args], { cwd: ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      onStdout?.(stdout, child);
    });
    child.stderr.on('data', (d: Buffer) => void (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
