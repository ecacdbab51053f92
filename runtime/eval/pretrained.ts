import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { buildGraph } from '../../compiler/build/mae.ts';
import { decodeSpec, formatProblem, type MaeSpec } from '../../dsl/index.ts';
import { checkedParams, readEncoderCheckpoint } from '../checkpoint/index.ts';

/** A pretrained encoder: its spec and its parameters by official name. */
export interface Pretrained {
  readonly spec: MaeSpec;
  /** Encoder parameters (patch_embed, cls_token, pos_embed when stored, blocks, norm). */
  readonly weights: ReadonlyMap<string, Float32Array>;
  /** The checkpoint file read. */
  readonly file: string;
}

/** A run folder or checkpoint could not be used; `message` names the file and the problem. */
export class PretrainedError extends Error {
  override readonly name = 'PretrainedError';
}

/** `runs/NAME` -> `runs/NAME/checkpoint.safetensors`; a file path stays as it is. */
export function checkpointPath(runOrFile: string): string {
  if (!existsSync(runOrFile)) throw new PretrainedError(`no such run or checkpoint ${runOrFile}`);
  return statSync(runOrFile).isDirectory() ? join(runOrFile, 'checkpoint.safetensors') : runOrFile;
}

function decodeOrThrow(text: string, where: string): MaeSpec {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new PretrainedError(`${where}: the spec is not valid JSON`);
  }
  const decoded = decodeSpec(json);
  if (E.isLeft(decoded)) throw new PretrainedError(`${where}: invalid spec: ${decoded.left.map(formatProblem).join('; ')}`);
  return decoded.right;
}

/**
 * The spec of a checkpoint: the `spec` entry of its metadata (pretraining checkpoints record
 * it), else `spec.json` next to the file.
 */
function specOf(file: string, metadata: Readonly<Record<string, string>>): MaeSpec {
  const inMeta = metadata['spec'];
  if (inMeta !== undefined) return decodeOrThrow(inMeta, `${file} metadata`);
  const beside = join(dirname(file), 'spec.json');
  if (!existsSync(beside)) throw new PretrainedError(`${file} records no spec and there is no ${beside}`);
  return decodeOrThrow(readFileSync(beside, 'utf8'), beside);
}

/**
 * Loads the encoder of a pretraining run folder or checkpoint, through the checkpoint reader
 * (runtime/checkpoint): a file of another checkpoint format is refused; optimizer moments are
 * skipped; decoder tensors are ignored and may be absent (an encoder-only file); every encoder
 * parameter must be present with its shape, else a WeightsError names the file and each tensor
 * at fault.
 */
export async function loadPretrained(runOrFile: string): Promise<Pretrained> {
  const file = checkpointPath(runOrFile);
  if (!existsSync(file)) throw new PretrainedError(`no checkpoint ${file}`);
  const ckpt = await readEncoderCheckpoint(file);
  const spec = specOf(file, ckpt.file.metadata);
  const weights = checkedParams(ckpt, buildGraph(spec, 'encoder').params, new Map(), { encoderOnly: true });
  return { spec, weights, file };
}
