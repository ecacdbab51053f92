/**
 * Test helper: a real pretraining run folder, made once per test file by `maec pretrain` on a
 * tiny RGB model (8x8 images, patch 4, tests/fixtures/hf5/spec.json) for two steps on synthetic
 * data, and the fixtures' spec.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { pretrainCommand } from '../../cli/commands/pretrain.ts';
import { bufferIo } from '../../cli/io.ts';
import { exportCommand } from '../../cli/commands/export.ts';
import { decodeSpec, type MaeSpec } from '../../dsl/index.ts';

export const HF5 = join(import.meta.dirname, '..', 'fixtures', 'hf5');
export const SPEC_PATH = join(HF5, 'spec.json');

export function fixtureSpec(): MaeSpec {
  const d = decodeSpec(JSON.parse(readFileSync(SPEC_PATH, 'utf8')));
  if (E.isLeft(d)) throw new Error(`${SPEC_PATH} does not decode`);
  return d.right;
}

/** A fresh temporary folder. */
export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `maec-${prefix}-`));
}

/** Runs `maec pretrain` into `<dir>/run` and returns that folder. */
export async function makeRun(dir: string): Promise<string> {
  const run = join(dir, 'run');
  const io = bufferIo(dir);
  const code = await pretrainCommand.run([SPEC_PATH, '--data', 'synthetic:size=8,channels=3', '--epochs', '1', '--steps', '2', '--batch', '4', '--limit', '8', '--out', run, '--backend', 'cpu'], io);
  if (code !== 0) throw new Error(`maec pretrain failed (${code}): ${io.stderr.join('')}`);
  return run;
}

/** `maec export ...` in-process, with what it printed. */
export async function exportCli(cwd: string, ...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = bufferIo(cwd);
  const code = await exportCommand.run(argv, io);
  return { code, stdout: io.stdout.join(''), stderr: io.stderr.join('') };
}
