import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { ChannelStats } from '../../runtime/data/types.ts';
import { EXPORT_FORMATS, ONNX_PARTS, type ExportFormat, type OnnxPart } from '../../runtime/weights/bundle.ts';
import { ExportError, exportModel, readExportSource, type ExportSource } from '../../runtime/weights/export-model.ts';
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

/** `0.5` or `0.485,0.456,0.406` as numbers, or the message naming the part that is not one. */
function numberList(text: string, flag: string): number[] | string {
  const parts = text.split(',');
  const values = parts.map(parseDecimal);
  const bad = values.findIndex((v) => v === undefined);
  if (bad !== -1) return `--${flag} must be one number or comma-separated numbers, found ${shownText(parts[bad]!)} in ${shownText(text)}`;
  return values as number[];
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

    let source: ExportSource;
    try {
      source = await readExportSource(sourcePath, displayPath(sourcePath, io.cwd));
    } catch (e) {
      if (e instanceof ExportError) return fail(io, e.message);
      throw e;
    }
    let spec = source.spec;
    if (f.spec !== undefined || spec === undefined) {
      const specPath = f.spec === undefined ? join(dirname(source.path), 'spec.json') : resolve(io.cwd, f.spec);
      if (f.spec === undefined && !existsSync(specPath)) return fail(io, `${source.shown} records no spec and there is no spec.json beside it: give --spec model.ts or spec.json`);
      const loaded = await loadSpec(specPath, io.cwd, f.export);
      if (!loaded.ok) {
        io.err(`${loaded.message}\n`);
        return EXIT.modelError;
      }
      spec = loaded.spec;
    }
    const stats = flagStats ?? source.stats;
    let files: string[];
    try {
      files = await exportModel({ source, spec, ...(stats === undefined ? {} : { stats }), to, part, out: outPath, shownOut });
    } catch (e) {
      if (e instanceof ExportError) return fail(io, e.message);
      throw e;
    }
    const what = to === 'onnx' ? `onnx ${part}` : to;
    io.out(`wrote ${what} export of ${source.shown} to ${shownOut}: ${files.join(', ')}\n`);
    return EXIT.ok;
  },
};
