/**
 * The export use case: read the source (a pretraining run folder or a weights file), match its
 * tensors to the spec's model, and write the folder of the chosen format (bundle.ts). Errors
 * are ExportError with a message naming the file, tensor or folder at fault.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { buildGraph } from '../../compiler/build/mae.ts';
import { decodeSpec, formatProblem, type MaeSpec } from '../../dsl/index.ts';
import { CHECKPOINT_FORMAT, decodeMeta, OPTIMIZER_PREFIX } from '../checkpoint/format.ts';
import { readCheckpointFile } from '../checkpoint/load.ts';
import type { ChannelStats } from '../data/types.ts';
import { nonFiniteProblem, type SafetensorsTensor } from '../io/index.ts';
import { OnnxLoweringError } from '../onnx/lower.ts';
import { ExportFolderError, hfBundle, officialBundle, onnxBundle, writeFolderAtomic, type BundleFiles, type ExportFormat, type OnnxPart } from './bundle.ts';
import { InteropError } from './interop.ts';
import { loadWeights } from './load.ts';
import { WeightsError } from './problems.ts';

/** The source or the target cannot be used; `message` says which file and why. */
export class ExportError extends Error {
  override readonly name = 'ExportError';
}

/** What a source file holds: its tensors (optimizer moments left out) and what its metadata records. */
export interface ExportSource {
  /** The safetensors file read (a run folder's checkpoint.safetensors). */
  readonly path: string;
  /** `path` as messages show it. */
  readonly shown: string;
  readonly tensors: ReadonlyMap<string, SafetensorsTensor>;
  /** A pretraining checkpoint's spec. */
  readonly spec?: MaeSpec;
  /** A pretraining checkpoint's normalisation. */
  readonly stats?: ChannelStats;
}

/**
 * Reads a run folder (its checkpoint.safetensors) or a safetensors file. A pretraining checkpoint
 * gives its spec and normalisation; a plain weights file gives neither; a fine-tuning checkpoint
 * is refused.
 *
 * @example
 * const source = await readExportSource('/repo/runs/quick', 'runs/quick'); source.spec?.encoder.width
 */
export async function readExportSource(path: string, shown: string): Promise<ExportSource> {
  if (!existsSync(path)) throw new ExportError(`no such run folder or weights file ${shown}`);
  const folder = statSync(path).isDirectory();
  const file = folder ? join(path, 'checkpoint.safetensors') : path;
  const fileShown = folder ? `${shown}/checkpoint.safetensors` : shown;
  if (!existsSync(file)) throw new ExportError(`${shown} is a folder without checkpoint.safetensors: not a pretraining run folder`);
  const ckpt = await rethrown(() => readCheckpointFile(file));
  const format = ckpt.file.metadata['format'];
  if (format !== undefined && format.startsWith('maec-finetune/'))
    throw new ExportError(`${fileShown} is a fine-tuning checkpoint (${format}): export takes a pretraining run or MAE weights`);
  const tensors = new Map([...ckpt.file.tensors].filter(([name]) => !name.startsWith(OPTIMIZER_PREFIX)));
  if (format !== CHECKPOINT_FORMAT) return { path: file, shown: fileShown, tensors };
  const meta = await rethrown(async () => decodeMeta(ckpt.file.metadata, fileShown));
  const spec = decodeSpec(meta.spec);
  if (E.isLeft(spec)) throw new ExportError(`${fileShown}: metadata "spec" is not a valid spec: ${spec.left.map(formatProblem).join('; ')}`);
  return { path: file, shown: fileShown, tensors, spec: spec.right, stats: meta.stats };
}

export interface ExportRequest {
  readonly source: ExportSource;
  readonly spec: MaeSpec;
  /** The normalisation for preprocessor_config.json (hf, onnx). */
  readonly stats?: ChannelStats;
  readonly to: ExportFormat;
  /** With `to: 'onnx'`. */
  readonly part?: OnnxPart;
  /** The folder to create. */
  readonly out: string;
  /** `out` as messages show it. */
  readonly shownOut: string;
}

/**
 * Matches the source's tensors to the spec's model (every parameter, finite; the encoder's only
 * for an ONNX encoder) and writes the export folder atomically. Returns the files written.
 *
 * @example
 * await exportModel({ source, spec: source.spec!, stats: source.stats, to: 'hf', out: '/tmp/hf', shownOut: 'hf' }) // ['config.json', ...]
 */
export async function exportModel(request: ExportRequest): Promise<string[]> {
  const { source, spec, to } = request;
  const part = request.part ?? 'encoder';
  const encoderOnly = to === 'onnx' && part === 'encoder';
  const graph = buildGraph(spec, encoderOnly ? 'encoder' : undefined);
  let weights: Map<string, Float32Array>;
  try {
    weights = loadWeights(source.tensors, graph.params, { source: source.shown, encoderOnly });
  } catch (e) {
    if (e instanceof WeightsError) throw new ExportError(e.message);
    throw e;
  }
  for (const p of graph.params) {
    const data = weights.get(p.name);
    const problem = data && nonFiniteProblem(p.name, p.shape, data);
    if (problem !== undefined) throw new ExportError(`${source.shown}: ${problem}`);
  }
  const input = { spec, weights, ...(request.stats === undefined ? {} : { stats: request.stats }), source: source.shown };
  let files: BundleFiles;
  try {
    files = to === 'hf' ? hfBundle(input) : to === 'official' ? officialBundle(input) : onnxBundle(input, part);
  } catch (e) {
    if (e instanceof InteropError || e instanceof OnnxLoweringError || e instanceof WeightsError) throw new ExportError(`${source.shown}: ${e.message}`);
    throw e;
  }
  try {
    await writeFolderAtomic(request.out, files);
  } catch (e) {
    if (e instanceof ExportFolderError) throw new ExportError(e.message.replace(request.out, request.shownOut));
    throw new ExportError(`${request.shownOut}: ${(e as Error).message}`);
  }
  return [...files.keys()];
}

/** Runs `read`, turning its error into an ExportError with the same message (they name the file). */
async function rethrown<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (e) {
    throw new ExportError((e as Error).message);
  }
}
