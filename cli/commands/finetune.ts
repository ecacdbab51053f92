import { BACKEND_FLAG } from '../backend-flag.ts';
import { chooseThreads, THREADS_FLAG } from '../threads-flag.ts';
import { chooseLabels, LABEL_FLAGS } from '../labels-flag.ts';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildClassifier, FINETUNE_CLASSIFIER } from '../../compiler/build/classifier.ts';
import type { MaeSpec } from '../../dsl/index.ts';
import { AUGMENTS, checkCompatibility, openDataset, type Augment } from '../../runtime/data/index.ts';
import { BACKENDS, describeTarget, openTarget, type BackendName } from '../../runtime/tfjs/target.ts';
import { classifierStart } from '../../runtime/eval/classifier-params.ts';
import { FINETUNE_DEFAULTS, type FinetuneConfig } from '../../runtime/eval/finetune.ts';
import { checkNewRunFolder, FINETUNE_CHECKPOINT_EVERY, finetune } from '../../runtime/eval/finetune-run.ts';
import { metricsLog } from '../../runtime/eval/metrics-log.ts';
import { outDirFor } from '../../runtime/eval/options.ts';
import { intFlag, numberFlag } from '../numbers.ts';
import { checkpointPath, loadPretrained } from '../../runtime/eval/pretrained.ts';
import { progress } from '../../runtime/eval/progress.ts';
import { writeResults } from '../../runtime/eval/report.ts';
import { describeFlags } from '../args.ts';
import { commandArgs, usageError } from '../prologue.ts';
import type { Command } from '../command.ts';
import { writeFileAtomic } from '../../runtime/io/atomic.ts';
import { EXIT, type ExitCode } from '../exit.ts';
import { watchInterrupt } from '../interrupt.ts';
import type { Io } from '../io.ts';
import { loadSpec } from '../spec-source.ts';

const D = FINETUNE_DEFAULTS;
const FLAGS = {
  data: { kind: 'string', value: 'SRC', help: 'labelled dataset source (required), e.g. fashion-mnist' },
  scratch: { kind: 'boolean', help: 'the positional is a model file or spec.json; train it from random init (baseline)' },
  blocks: { kind: 'string', value: 'K', help: 'partial fine-tuning: train only the last K blocks (+ fc_norm, head)' },
  epochs: { kind: 'string', value: 'N', help: `epochs (default ${D.epochs})` },
  batch: { kind: 'string', value: 'B', help: `batch size (default ${D.batchSize})` },
  blr: { kind: 'string', value: 'X', help: `base lr, lr = blr * B / 256 (default ${D.blr})` },
  warmup: { kind: 'string', value: 'E', help: `warmup epochs (default ${D.warmupEpochs})` },
  'layer-decay': { kind: 'string', value: 'X', help: `layer-wise lr decay (default ${D.layerDecay})` },
  'drop-path': { kind: 'string', value: 'X', help: `stochastic depth at the last block (default ${FINETUNE_CLASSIFIER.dropPath})` },
  smoothing: { kind: 'string', value: 'X', help: `label smoothing (default ${D.smoothing})` },
  mixup: { kind: 'string', value: 'A', help: 'mixup with lam ~ Beta(A, A), the batch mixed with its reverse (the recipe: 0.8; default 0 = off)' },
  cutmix: { kind: 'string', value: 'A', help: 'CutMix with lam ~ Beta(A, A); with --mixup, one of the two per batch at even odds (the recipe: 1.0; default 0 = off)' },
  augment: { kind: 'string', value: 'A', help: `${AUGMENTS.join(', ')} (default ${D.augment})` },
  'train-limit': { kind: 'string', value: 'N', help: 'use only the first N training images' },
  'test-limit': { kind: 'string', value: 'N', help: 'use only the first N test images' },
  ...LABEL_FLAGS,
  seed: { kind: 'string', value: 'S', help: 'seed of init, order and drop path (default 0)' },
  out: { kind: 'string', value: 'DIR', help: 'run folder (default <run>/finetune, <run>/finetune-blocksK, runs/scratch)' },
  resume: { kind: 'boolean', help: 'continue exactly from DIR/checkpoint.safetensors if it exists (same settings required); without it DIR must be new or empty' },
  'checkpoint-every': { kind: 'string', value: 'N', help: `also checkpoint every N optimizer steps, 0 = epoch ends only (default ${FINETUNE_CHECKPOINT_EVERY})` },
  steps: { kind: 'string', value: 'N', help: 'stop after N optimizer steps in this invocation, with a checkpoint (continue with --resume)' },
  export: { kind: 'string', value: 'NAME', help: 'with --scratch: which spec, when the model file exports several' },
  backend: BACKEND_FLAG,
  threads: THREADS_FLAG,
} as const;

const HELP = `usage: maec finetune <run dir | checkpoint.safetensors> --data SRC [--blocks K] [flags]
       maec finetune --scratch <model.ts | spec.json> --data SRC [flags]

Fine-tunes a pretrained MAE encoder for classification (MAE-SPEC "Fine-tuning"): global
average pool of the patch tokens + LayerNorm fc_norm + linear head (init std 2e-5), AdamW
(betas 0.9/0.999, wd 0.05 on weights), layer-wise lr decay decay^(depth + 1 - layer id), drop
path rising linearly to 0.1, label smoothing 0.1, per-step warmup then cosine. Mixup and CutMix
are flags (off by default here; the recipe's 0.8 and 1.0 are --mixup 0.8 --cutmix 1.0);
RandAugment and random erasing are not implemented. --blocks K tunes only the last K blocks. --scratch trains the
same ViT from random init with the same budget (the supervised baseline).

Per epoch: a progress bar (lines when not on a terminal), test top-1 and a checkpoint in the
run folder (also every --checkpoint-every steps, replaced atomically); metrics.jsonl logs steps
and epochs. At the end: per-class accuracy, result.json and confusion.png. Ctrl-C saves a
checkpoint and exits (status 130); --resume with the same command line continues exactly, as
an uninterrupted run would; other settings are refused.

--labels P trains on a fixed, class-stratified P of the labelled training images (10%, 1%,
0.5% or a fraction such as 0.1; after --train-limit), drawn by --label-seed, not --seed, so
every seed and every variant trains on the same labels; the epoch order, augmentation and
batches run over them as over the whole split. The test split is never subsetted. result.json
and the checkpoint record labels { percent, seed, images }: --resume with other labels is
refused.

flags:
${describeFlags(FLAGS)}

exit status: 0 done (or stopped by --steps), 1 unusable checkpoint, model or data, or a resume
with other settings, 2 usage error, 130 interrupted (checkpoint saved).

examples:
  maec finetune runs/fashion --data fashion-mnist --epochs 10
  maec finetune runs/fashion --data fashion-mnist --blocks 1
  maec finetune --scratch models/fashion-mnist.ts --data fashion-mnist --epochs 10
  maec finetune runs/fashion --data fashion-mnist --labels 10% --label-seed 0
`;

const usage = (io: Io, message: string): ExitCode => usageError(io, 'finetune', message);

function fail(io: Io, message: string): ExitCode {
  io.err(`maec finetune: ${message}\n`);
  return EXIT.modelError;
}

/** `maec finetune`: see HELP. */
export const finetuneCommand: Command = {
  name: 'finetune',
  summary: 'fine-tune a pretrained encoder (all or the last K blocks), or train the scratch baseline',
  help: HELP,
  async run(argv, io) {
    const args = commandArgs(argv, FLAGS, io, finetuneCommand);
    if (typeof args === 'number') return args;
    const f = args.flags;
    if (args.positionals.length !== 1) return usage(io, args.positionals.length === 0 ? `missing <${f.scratch ? 'model.ts | spec.json' : 'run dir | checkpoint.safetensors'}>` : `expected one run, got ${args.positionals.length}`);
    if (f.data === undefined) return usage(io, 'missing --data SRC');
    if (f.scratch && f.blocks !== undefined) return usage(io, '--blocks needs a pretrained run, not --scratch');
    const backendArg = f.backend as BackendName | undefined;
    if (backendArg !== undefined && !BACKENDS.includes(backendArg)) return usage(io, `unknown backend ${backendArg}: expected one of ${BACKENDS.join(', ')}`);
    const augment = (f.augment ?? D.augment) as Augment;
    if (!AUGMENTS.includes(augment)) return usage(io, `--augment must be one of ${AUGMENTS.join(', ')}, got ${f.augment}`);
    const parsed = {
      epochs: intFlag(f.epochs, 'epochs', D.epochs, 1),
      batchSize: intFlag(f.batch, 'batch', D.batchSize, 1),
      blr: numberFlag(f.blr, 'blr', D.blr),
      warmupEpochs: numberFlag(f.warmup, 'warmup', D.warmupEpochs),
      layerDecay: numberFlag(f['layer-decay'], 'layer-decay', D.layerDecay),
      dropPath: numberFlag(f['drop-path'], 'drop-path', FINETUNE_CLASSIFIER.dropPath),
      smoothing: numberFlag(f.smoothing, 'smoothing', D.smoothing),
      mixup: numberFlag(f.mixup, 'mixup', 0),
      cutmix: numberFlag(f.cutmix, 'cutmix', 0),
      blocks: intFlag(f.blocks, 'blocks', 0, 1),
      seed: intFlag(f.seed, 'seed', D.seed, 0),
      trainLimit: intFlag(f['train-limit'], 'train-limit', 0, 1),
      testLimit: intFlag(f['test-limit'], 'test-limit', 0, 1),
      checkpointEvery: intFlag(f['checkpoint-every'], 'checkpoint-every', FINETUNE_CHECKPOINT_EVERY, 0),
      maxSteps: intFlag(f.steps, 'steps', 0, 1),
    };
    for (const v of Object.values(parsed)) if (typeof v === 'string') return usage(io, v);
    const p = parsed as { [K in keyof typeof parsed]: number };
    if (p.warmupEpochs > p.epochs) return usage(io, `--warmup must be at most --epochs (${p.epochs}), got ${p.warmupEpochs}`);
    if (p.dropPath >= 1) return usage(io, `--drop-path must be below 1, got ${p.dropPath}`);
    if (p.smoothing >= 1) return usage(io, `--smoothing must be below 1, got ${p.smoothing}`);

    const labels = chooseLabels(f.labels, f['label-seed']);
    if (typeof labels === 'string') return usage(io, labels);

    const runArg = resolve(io.cwd, args.positionals[0]!);
    let spec: MaeSpec;
    let pretrained: ReadonlyMap<string, Float32Array> | undefined;
    let source: string;
    if (f.scratch) {
      const loaded = await loadSpec(runArg, io.cwd, f.export);
      if (!loaded.ok) {
        io.err(`${loaded.message}\n`);
        return loaded.code;
      }
      spec = loaded.spec;
      source = runArg;
    } else {
      try {
        const pre = await loadPretrained(runArg);
        spec = pre.spec;
        pretrained = pre.weights;
        source = pre.file;
      } catch (e) {
        return fail(io, (e as Error).message);
      }
      if (p.blocks > spec.encoder.depth) return usage(io, `--blocks must be at most the encoder depth ${spec.encoder.depth}, got ${p.blocks}`);
    }
    let dataset;
    try {
      dataset = await openDataset(f.data);
    } catch (e) {
      return fail(io, (e as Error).message);
    }
    if (dataset.numClasses === null) return fail(io, `${f.data} has no labels; fine-tuning needs a labelled dataset`);
    const incompatible = checkCompatibility(dataset, { channels: spec.image.channels, imageSize: spec.image.size }); // before the run folder is made
    if (incompatible) return fail(io, `${incompatible.code} ${incompatible.message}`);

    const mode = f.scratch ? 'scratch' : p.blocks > 0 ? `finetune-blocks${p.blocks}` : 'finetune';
    const outDir = f.out !== undefined ? resolve(io.cwd, f.out) : f.scratch ? resolve(io.cwd, 'runs', 'scratch') : outDirFor(checkpointPath(runArg), mode);
    if (f.resume !== true) {
      try {
        checkNewRunFolder(outDir);
      } catch (e) {
        return fail(io, (e as Error).message);
      }
    }
    mkdirSync(outDir, { recursive: true });
    // A resume keeps the run's spec.json; one with another spec is refused below.
    if (f.resume !== true || !existsSync(join(outDir, 'spec.json'))) await writeFileAtomic(join(outDir, 'spec.json'), `${JSON.stringify(spec, null, 2)}\n`);
    const target = await openTarget(backendArg);
    io.err(`backend ${describeTarget(target)}\n`);
    const graph = buildClassifier(spec, { numClasses: dataset.numClasses, dropPath: p.dropPath, headInitStd: FINETUNE_CLASSIFIER.headInitStd });
    const threads = chooseThreads(f.threads as string | undefined, undefined, graph, p.batchSize, target.backend);
    if (typeof threads === 'string') return usage(io, threads);
    io.err(`${threads.threads} training thread${threads.threads === 1 ? '' : 's'} (${threads.reason})\n`);
    const config: FinetuneConfig = {
      ...D,
      epochs: p.epochs,
      batchSize: p.batchSize,
      blr: p.blr,
      warmupEpochs: p.warmupEpochs,
      layerDecay: p.layerDecay,
      smoothing: p.smoothing,
      // Recorded only when on: a run without them is one from before mixing existed.
      ...(p.mixup > 0 ? { mixup: p.mixup } : {}),
      ...(p.cutmix > 0 ? { cutmix: p.cutmix } : {}),
      blocks: p.blocks > 0 ? p.blocks : null,
      seed: p.seed,
      augment,
      ...(p.trainLimit > 0 ? { trainLimit: p.trainLimit } : {}),
      ...(p.testLimit > 0 ? { testLimit: p.testLimit } : {}),
      ...(threads.threads > 1 ? { threads: threads.threads } : {}),
    };
    const interrupt = watchInterrupt(io, 'finetune');
    let result;
    try {
      result = await finetune({
        graph,
        target,
        start: classifierStart(graph, p.seed, pretrained),
        dataset,
        numClasses: dataset.numClasses,
        config,
        outDir,
        resume: f.resume === true,
        info: { mode, source, data: f.data, spec: JSON.stringify(spec), drop_path: p.dropPath },
        ...(labels ? { labels } : {}),
        checkpointEvery: p.checkpointEvery,
        progress: progress((t) => io.err(t), process.stderr.isTTY === true),
        log: metricsLog(join(outDir, 'metrics.jsonl')),
        interrupted: interrupt.requested,
        ...(p.maxSteps > 0 ? { maxSteps: p.maxSteps } : {}),
      });
    } catch (e) {
      return fail(io, (e as Error).message);
    } finally {
      interrupt.dispose();
    }
    if (result.kind === 'stopped') {
      const at = result.position;
      io.err(`stopped at step ${at.step} (epoch ${at.epoch + 1}, batch ${at.batchInEpoch}) after ${result.seconds.toFixed(1)} s; checkpoint saved in ${outDir}; continue with the same command and --resume\n`);
      return interrupt.requested() ? EXIT.interrupted : EXIT.ok;
    }
    const text = await writeResults(outDir, result.confusion, dataset.classNames, { mode, source, data: f.data, labels: result.labels, config: result.labels.percent < 100 ? { ...config, labels: result.labels } : config, drop_path: p.dropPath, seconds: result.seconds });
    io.err(`${mode} on ${f.data}, ${result.epochsRun} epoch(s) in ${result.seconds.toFixed(1)} s\n`);
    io.out(text);
    io.err(`wrote ${join(outDir, 'result.json')}, confusion.png and checkpoint.safetensors\n`);
    return EXIT.ok;
  },
};

