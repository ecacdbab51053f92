import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { buildGraph } from '../../compiler/build/mae.ts';
import { decodeSpec, formatProblem, type MaeSpec } from '../../dsl/index.ts';
import { loadSafetensors } from '../io/index.ts';
import { loadWeights } from '../weights/index.ts';

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

function decodeOrThrow(json: unknown, where: string): MaeSpec {
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
  if (inMeta !== undefined) return decodeOrThrow(JSON.parse(inMeta), `${file} metadata`);
  const beside = join(dirname(file), 'spec.json');
  if (!existsSync(beside)) throw new PretrainedError(`${file} records no spec and there is no ${beside}`);
  return decodeOrThrow(JSON.parse(readFileSync(beside, 'utf8')), beside);
}

/**
 * Loads the encoder of a pretraining run folder or checkpoint. Tensors that are not parameters
 * of the MAE (optimizer moments, counters) are skipped; decoder tensors may be absent (an
 * encoder-only file); every encoder parameter must be present with its shape.
 */
export async function loadPretrained(runOrFile: string): Promise<Pretrained> {
  const file = checkpointPath(runOrFile);
  if (!existsSync(file)) throw new PretrainedError(`no checkpoint ${file}`);
  const { tensors, metadata } = await loadSafetensors(file);
  const spec = specOf(file, metadata);
  const model = buildGraph(spec, 'pretrain');
  const names = new Set(model.params.map((p) => p.name));
  const params = new Map([...tensors].filter(([name]) => names.has(name)));
  const encoder = buildGraph(spec, 'encoder').params.map((p) => ({ name: p.name, shape: p.shape }));
  const weights = loadWeights(params, encoder, { encoderOnly: true, source: file });
  return { spec, weights, file };
}
