/**
 * The files of a run folder, and its rules: a new run never writes into a used folder; a folder
 * left by a run that never saved a checkpoint is recognisably incomplete and is started over;
 * one process at a time (the lock); temporary files of killed writers are cleaned on start.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describeHolder, LOCK_FILE, lockHolder, processAlive, removeStaleTemps } from '../io/index.ts';
import { TrainError } from './errors.ts';

export interface RunFiles {
  readonly dir: string;
  readonly spec: string;
  readonly metrics: string;
  readonly checkpoint: string;
  readonly reconstructions: string;
  readonly lossChart: string;
}

export function runFiles(dir: string): RunFiles {
  return {
    dir,
    spec: join(dir, 'spec.json'),
    metrics: join(dir, 'metrics.jsonl'),
    checkpoint: join(dir, 'checkpoint.safetensors'),
    reconstructions: join(dir, 'reconstructions'),
    lossChart: join(dir, 'loss.png'),
  };
}

/** `reconstructions/epoch-003.png` for epoch 3. */
export function reconstructionPath(files: RunFiles, epoch: number): string {
  return join(files.reconstructions, `epoch-${String(epoch).padStart(3, '0')}.png`);
}

/** What a pretraining run writes into its folder before its first checkpoint. */
const BEFORE_FIRST_CHECKPOINT = new Set(['spec.json', 'metrics.jsonl', 'reconstructions', 'loss.png', LOCK_FILE]);

/** TRAIN002 when another live process holds the folder. */
export function checkNotHeld(files: RunFiles): void {
  const holder = lockHolder(files.dir);
  if (holder) throw new TrainError('TRAIN002', describeHolder(`run folder ${files.dir}`, holder));
}

/**
 * Creates the folder of a new run. A folder that exists and is not empty is TRAIN002, except
 * one that holds only what a run writes before its first checkpoint (a run that failed or was
 * killed before saving anything): that one is emptied and the run starts over; returns true then.
 */
export function createRunDir(files: RunFiles): boolean {
  let restarted = false;
  if (existsSync(files.dir)) {
    if (!statSync(files.dir).isDirectory()) throw new TrainError('TRAIN002', `run folder ${files.dir} exists and is not a folder`);
    checkNotHeld(files);
    const entries = readdirSync(files.dir);
    const incomplete = entries.length > 0 && entries.every((e) => BEFORE_FIRST_CHECKPOINT.has(e) || e.endsWith('.tmp'));
    if (incomplete) {
      for (const e of entries) rmSync(join(files.dir, e), { recursive: true, force: true });
      restarted = true;
    } else if (entries.length > 0)
      throw new TrainError('TRAIN002', `run folder ${files.dir} is not empty (${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', ...' : ''}); pass --resume to continue that run, or choose another --out`);
  }
  mkdirSync(files.reconstructions, { recursive: true });
  return restarted;
}

/**
 * Removes what a new run created when it fails before its first checkpoint, so the folder is
 * not left half-made; returns whether it did. The folder itself goes when the run made it.
 */
export function removeUnsavedRun(files: RunFiles, madeFolder: boolean): boolean {
  if (existsSync(files.checkpoint)) return false;
  if (madeFolder) rmSync(files.dir, { recursive: true, force: true });
  else for (const e of readdirSync(files.dir)) if (BEFORE_FIRST_CHECKPOINT.has(e) && e !== LOCK_FILE) rmSync(join(files.dir, e), { recursive: true, force: true });
  return true;
}

/** Deletes temporary files that killed writers left in the run folder and its reconstructions. */
export function removeRunTemps(files: RunFiles): string[] {
  return [...removeStaleTemps(files.dir, processAlive), ...removeStaleTemps(files.reconstructions, processAlive)];
}

/** Checks that a run to resume has a checkpoint. */
export function checkResumable(files: RunFiles): void {
  checkNotHeld(files);
  if (!existsSync(files.checkpoint)) throw new TrainError('TRAIN002', `cannot resume: ${files.checkpoint} does not exist (expected the checkpoint of an earlier run in ${files.dir})`);
  mkdirSync(files.reconstructions, { recursive: true });
}
