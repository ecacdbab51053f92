/** The files of a run folder, and the rule that a new run never writes into a used folder. */
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
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

/** Creates the folder of a new run; a folder that exists and is not empty is TRAIN002. */
export function createRunDir(files: RunFiles): void {
  if (existsSync(files.dir)) {
    if (!statSync(files.dir).isDirectory()) throw new TrainError('TRAIN002', `run folder ${files.dir} exists and is not a folder`);
    const entries = readdirSync(files.dir);
    if (entries.length > 0)
      throw new TrainError('TRAIN002', `run folder ${files.dir} is not empty (${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', ...' : ''}); pass --resume to continue that run, or choose another --out`);
  }
  mkdirSync(files.reconstructions, { recursive: true });
}

/** Checks that a run to resume has a checkpoint. */
export function checkResumable(files: RunFiles): void {
  if (!existsSync(files.checkpoint)) throw new TrainError('TRAIN002', `cannot resume: ${files.checkpoint} does not exist (expected the checkpoint of an earlier run in ${files.dir})`);
  mkdirSync(files.reconstructions, { recursive: true });
}
