import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { buildGraph } from '../../compiler/build/mae.ts';
import { decodeSpec, formatProblem, type MaeSpec } from '../../dsl/index.ts';
import type { ChannelStats } from '../../runtime/data/types.ts';
import { CHECKPOINT_FORMAT, decodeMeta, OPTIMIZER_PREFIX } from '../../runtime/checkpoint/format.ts';
import { readCheckpointFile } from '../../runtime/checkpoint/load.ts';
import { nonFiniteProblem, type SafetensorsTensor } from '../../runtime/io/index.ts';
import { OnnxLoweringError } from '../../runtime/onnx/lower.ts';
import {
  EXPORT_FORMATS,
  ExportFolderError,
  hfBundle,
  officialBundle,
  onnxBundle,
  ONNX_PARTS,
  writeFolderAtomic,
  type BundleFiles,
  type BundleInput,
  type ExportFormat,
  type OnnxPart,
} from '../../runtime/weights/bundle.ts';
import { InteropError } from '../../runtime/weights/interop.ts';
import { loadWeights, WeightsError } from '../../runtime/weights/index.ts';
import { describeFlags } from '../args.ts';
import type { Command } from '../command.ts';
import { EXIT, type ExitCode } from '../exit.ts';
import type { Io } from '../io.ts';
import { displayPath } from '../model-file/location.ts';
import { parseDecimal, shownText } from '../numbers.ts';
import { commandArgs, usageError } from '../prologue.ts';
import { loadSpec } from '../spec-source.ts';

const FLAGS = {
  to: { kind: 'string', value: 'FORMAT', help: 'hf, official or onnx (required)' },
  out: { kind: 'string', value: 'DIR', help: 'the folder to create; it must not exist or be empty (required)' },
  part: { kind: 'string', value: 'PART', help: 'with --to onnx: encoder (feature extractor, the default) or mae (the whole pretraining forward pass)' },
  spec: { kind: 'string', value: 'FILE', help: 'model.ts or spec.json, for weights that record no spec (default: the file\'s own, else spec.json beside it)' },
  export: { kind: 'string', value: 'NAME', help: 'with --spec: which spec, when the model file exports several' },
  mean: { kind: 'string', value: 'M[,M,M]', help: 'per-channel mean of [0,1] pixels the model was trained with, for weights that record none' },
  std: { kind: 'string', value: 'S[,S,S]', help: 'per-channel std, with --mean' },
} as const;

const HELP = `usage: maec export <run dir | checkpoint.safetensors | weights.safetensors> --to hf|official|onnx [--part encoder|mae] --out DIR

Writes a trained MAE in a form another implementation loads, into a new folder DIR (written
beside it first and renamed when complete, so DIR is either absent or whole).

  --to hf        config.json (ViTMAEConfig), preprocessor_config.json (ViTImageProcessor with the
                 normalisation the model was trained with) and model.safetensors: load with
                 transformers' ViTMAEForPreTraining.from_pretrained(DIR) (4.x or 5.x).
  --to official  model.safetensors under the official facebookresearch/mae names and a README.md
                 with the two lines of Python that make the .pth main_pretrain.py --resume and
                 main_finetune.py --finetune read, and their command lines.
  --to onnx      onnx/model.onnx (opset 17) with config.json and preprocessor_config.json.
                 --part encoder: pixel_values [N,C,H,W] -> last_hidden_state [N,1+L,D], every
                 patch, cls first, after the final LayerNorm; transformers.js loads DIR as a
                 local vit_mae model (image-feature-extraction). --part mae: pixel_values,
                 noise [N,L] -> loss, logits [N,L,p*p*C], mask [N,L], ids_restore [N,L] (int64).

The source is a pretraining run folder (its checkpoint.safetensors records the spec and the
normalisation) or a safetensors file of weights in any naming maec reads; for a file that
records no spec give --spec (or keep spec.json beside it), and --mean/--std when the format
needs a preprocessor config and the file records no normalisation. Fine-tuning checkpoints
are refused. Pixel values fed to every export are normalised as in training: (x - mean) / std.

flags:
${describeFlags(FLAGS)}

exit status: 0 written, 1 unusable source, spec or --out folder (nothing written), 2 usage error.

examples:
  maec export runs/quick --to hf --out exports/quick-hf
  maec export runs/quick --to onnx --out exports/quick-onnx
  maec export runs/quick --to onnx --part mae --out exports/quick-mae-onnx
  maec export mae.safetensors --spec spec.json --mean 0.5 --std 0.5 --to official --out exports/official
`;

const usage = (io: Io, message: string): ExitCode => usageError(io, 'export', message);

function fail(io: Io, message: string): ExitCode {
  io.err(`maec export: ${message}\n`);
  return EXIT.modelError;
}

/** `0.5` or `0.485,0.456,0.406`: positive-or-any decimals, or the message. */
function numberList(text: string, flag: string): number[] | string {
  const parts = text.split(',');
  const values = parts.map(parseDecimal);
  const bad = values.findIndex((v) => v === undefined);
  if (bad !== -1) return `--${flag} must be one number or comma-separated numbers, found ${shownText(parts[bad]!)} in ${shownText(text)}`;
  return values as number[];
}

type Source =
  | { readonly ok: true; readonly path: string; readonly file: string; readonly tensors: Map<string, SafetensorsTensor>; readonly spec?: MaeSpec; readonly stats?: ChannelStats }
  | { readonly ok: false; readonly message: string };

/** The checkpoint file of a run folder or the file itself, with what its metadata records. */
async function readSource(path: string, shown: string): Promise<Source> {
  if (!existsSync(path)) return { ok: false, message: `no such run folder or weights file ${shown}` };
  const file = statSync(path).isDirectory() ? join(path, 'checkpoint.safetensors') : path;
  const fileShown = statSync(path).isDirectory() ? `${shown}/checkpoint.safetensors` : shown;
  if (!existsSync(file)) return { ok: false, message: `${shown} is a folder without checkpoint.safetensors: not a pretraining run folder` };
  let ckpt;
  try {
    ckpt = await readCheckpointFile(file);
  } catch (e) {
    return { ok: false, message: (e as Error).message };
  }
  const format = ckpt.file.metadata['format'];
  if (format !== undefined && format.startsWith('maec-finetune/'))
    return { ok: false, message: `${fileShown} is a fine-tuning checkpoint (${format}): export takes a pretraining run or MAE weights` };
  const tensors = new Map([...ckpt.file.tensors].filter(([name]) => !name.startsWith(OPTIMIZER_PREFIX)));
  if (format === CHECKPOINT_FORMAT) {
    let meta;
    try {
      meta = decodeMeta(ckpt.file.metadata, fileShown);
    } catch (e) {
      return { ok: false, message: (e as Error).message };
    }
    const spec = decodeSpec(meta.spec);
    if (E.isLeft(spec)) return { ok: false, message: `${fileShown}: metadata "spec" is not a valid spec: ${spec.left.map(formatProblem).join('; ')}` };
    return { ok: true, path: file, file: fileShown, tensors, spec: spec.right, stats: meta.stats };
  }
  return { ok: true, path: file, file: fileShown, tensors };
}

/** `maec export`: see HELP. */
export const exportCommand: Command = {
  name: 'export',
  summary: 'write a trained MAE for Hugging Face transformers, the official code or ONNX',
  help: HELP,
  async run(argv, io) {
    const args = commandArgs(argv, FLAGS, io, exportCommand);
    if (typeof args === 'number') return args;
    const f = args.flags;
    if (args.positionals.length !== 1) return usage(io, args.positionals.length === 0 ? 'missing <run dir | weights.safetensors>' : `expected one source, got ${args.positionals.length}`);
    if (f.to === undefined) return usage(io, `missing --to FORMAT (one of ${EXPORT_FORMATS.join(', ')})`);
    if (!EXPORT_FORMATS.includes(f.to as ExportFormat)) return usage(io, `unknown --to ${f.to}: expected one of ${EXPORT_FORMATS.join(', ')}`);
    const to = f.to as ExportFormat;
    if (f.part !== undefined && to !== 'onnx') return usage(io, '--part applies only to --to onnx');
    if (f.part !== undefined && !ONNX_PARTS.includes(f.part as OnnxPart)) return usage(io, `unknown --part ${f.part}: expected one of ${ONNX_PARTS.join(', ')}`);
    const part = (f.part ?? 'encoder') as OnnxPart;
    if (f.out === undefined) return usage(io, 'missing --out DIR');
    if (f.export !== undefined && f.spec === undefined) return usage(io, '--export needs --spec');
    if ((f.mean === undefined) !== (f.std === undefined)) return usage(io, f.mean === undefined ? '--std needs --mean' : '--mean needs --std');
    let flagStats: ChannelStats | undefined;
    if (f.mean !== undefined && f.std !== undefined) {
      const mean = numberList(f.mean, 'mean');
      const std = numberList(f.std, 'std');
      if (typeof mean === 'string') return usage(io, mean);
      if (typeof std === 'string') return usage(io, std);
      if (mean.length !== std.length) return usage(io, `--mean has ${mean.length} values and --std ${std.length}; give as many of each`);
      if (std.some((s) => !(s > 0))) return usage(io, `--std values must be positive, found ${f.std}`);
      flagStats = { mean, std };
    }
    const sourcePath = resolve(io.cwd, args.positionals[0]!);
    const outPath = resolve(io.cwd, f.out);
    const shownOut = displayPath(outPath, io.cwd);
    if (outPath === sourcePath || sourcePath.startsWith(`${outPath}/`)) return usage(io, `--out ${f.out} holds the source; choose another --out`);

    const source = await readSource(sourcePath, displayPath(sourcePath, io.cwd));
    if (!source.ok) return fail(io, source.message);
    let spec = source.spec;
    if (f.spec !== undefined) {
      const loaded = await loadSpec(resolve(io.cwd, f.spec), io.cwd, f.export);
      if (!loaded.ok) {
        io.err(`${loaded.message}\n`);
        return loaded.code === EXIT.usage ? EXIT.modelError : loaded.code;
      }
      spec = loaded.spec;
    } else if (spec === undefined) {
      const beside = join(dirname(source.path), 'spec.json');
      if (!existsSync(beside)) return fail(io, `${source.file} records no spec and there is no spec.json beside it: give --spec model.ts or spec.json`);
      const loaded = await loadSpec(beside, io.cwd);
      if (!loaded.ok) {
        io.err(`${loaded.message}\n`);
        return EXIT.modelError;
      }
      spec = loaded.spec;
    }
    const stats = flagStats ?? source.stats;

    const encoderOnly = to === 'onnx' && part === 'encoder';
    const graph = buildGraph(spec, encoderOnly ? 'encoder' : undefined);
    let weights: Map<string, Float32Array>;
    try {
      weights = loadWeights(source.tensors, graph.params, { source: source.file, encoderOnly });
    } catch (e) {
      if (e instanceof WeightsError) return fail(io, e.message);
      throw e;
    }
    for (const p of graph.params) {
      const data = weights.get(p.name);
      const problem = data && nonFiniteProblem(p.name, p.shape, data);
      if (problem !== undefined) return fail(io, `${source.file}: ${problem}`);
    }

    const input: BundleInput = { spec, weights, ...(stats === undefined ? {} : { stats }), source: source.file };
    let files: BundleFiles;
    try {
      files = to === 'hf' ? hfBundle(input) : to === 'official' ? officialBundle(input) : onnxBundle(input, part);
    } catch (e) {
      if (e instanceof InteropError || e instanceof OnnxLoweringError || e instanceof WeightsError) return fail(io, `${source.file}: ${e.message}`);
      throw e;
    }
    try {
      await writeFolderAtomic(outPath, files);
    } catch (e) {
      if (e instanceof ExportFolderError) return fail(io, e.message.replace(outPath, shownOut));
      return fail(io, `${shownOut}: ${(e as Error).message}`);
    }
    const what = to === 'onnx' ? `onnx ${part}` : to;
    io.out(`wrote ${what} export of ${source.file} to ${shownOut}: ${[...files.keys()].join(', ')}\n`);
    return EXIT.ok;
  },
};
