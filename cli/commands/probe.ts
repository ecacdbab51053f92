import { BACKEND_FLAG } from '../backend-flag.ts';
import { chooseThreads, THREADS_FLAG } from '../threads-flag.ts';
import { chooseLabels, LABEL_FLAGS } from '../labels-flag.ts';
import { buildGraph } from '../../compiler/build/mae.ts';
import { FEATURE_BATCH } from '../../runtime/eval/probe-run.ts';
import { join, resolve } from 'node:path';
import { BACKENDS, describeTarget, openTarget, type BackendName } from '../../runtime/tfjs/target.ts';
import { DataError, openDataset } from '../../runtime/data/index.ts';
import { POOLINGS, type Pooling } from '../../runtime/eval/features.ts';
import { loadPretrained, checkpointPath } from '../../runtime/eval/pretrained.ts';
import { PROBE_DEFAULTS, type ProbeConfig } from '../../runtime/eval/probe.ts';
import { probe } from '../../runtime/eval/probe-run.ts';
import { progress } from '../../runtime/eval/progress.ts';
import { describeFlags } from '../args.ts';
import { commandArgs, usageError } from '../prologue.ts';
import type { Command } from '../command.ts';
import { EXIT, type ExitCode } from '../exit.ts';
import type { Io } from '../io.ts';
import { outDirFor } from '../../runtime/eval/options.ts';
import { intFlag, numberFlag } from '../numbers.ts';
import type { MaeSpec } from '../../dsl/index.ts';
import { loadSpec } from '../spec-source.ts';

const FLAGS = {
  data: { kind: 'string', value: 'SRC', help: 'labelled dataset source (required), e.g. fashion-mnist, synthetic:classes=4' },
  scratch: { kind: 'boolean', help: 'the positional is a model file or spec.json: probe its encoder at random init (the no-pretraining control)' },
  export: { kind: 'string', value: 'NAME', help: 'with --scratch: which spec, when the model file exports several' },
  epochs: { kind: 'string', value: 'N', help: `probe epochs (default ${PROBE_DEFAULTS.epochs})` },
  batch: { kind: 'string', value: 'B', help: `batch size (default ${PROBE_DEFAULTS.batchSize})` },
  blr: { kind: 'string', value: 'X', help: `base lr, lr = blr * B / 256 (default ${PROBE_DEFAULTS.blr})` },
  warmup: { kind: 'string', value: 'E', help: `warmup epochs (default ${PROBE_DEFAULTS.warmupEpochs})` },
  'train-limit': { kind: 'string', value: 'N', help: 'use only the first N training images' },
  'test-limit': { kind: 'string', value: 'N', help: 'use only the first N test images' },
  ...LABEL_FLAGS,
  pool: { kind: 'string', value: 'P', help: 'feature: cls (the cls token, the recipe) or mean (average of the patch tokens) (default cls)' },
  seed: { kind: 'string', value: 'S', help: 'seed of the head init and batch order (default 0)' },
  out: { kind: 'string', value: 'DIR', help: 'results folder (default: <run>/probe)' },
  backend: BACKEND_FLAG,
  threads: { ...THREADS_FLAG, help: 'threads that extract the features (the encoder on shards of each batch); the head trains on one' },
} as const;

const HELP = `usage: maec probe <run dir | checkpoint.safetensors> --data SRC [flags]
       maec probe --scratch <model.ts | spec.json> --data SRC [flags]

Linear probe of a pretrained MAE encoder (MAE-SPEC "Linear probe"): the frozen encoder's cls
token (after the final norm) feeds BatchNorm1d(affine=False, eps 1e-6) and a linear head
(init std 0.01) trained with LARS (momentum 0.9, no weight decay), blr 0.1, warmup then cosine.
The encoder is frozen, so features are extracted once (no augmentation) and the head trains
on them. --pool mean probes the average of the patch tokens instead of the cls token.
--scratch probes the same encoder at its random initialisation (seeded by --seed): what a
probe reaches without pretraining, to set a pretrained run's number against. Reports top-1 and per-class accuracy on the test split and writes result.json,
confusion.png and metrics.jsonl to the results folder.

--labels P trains the head on a fixed, class-stratified P of the labelled training images
(10%, 1%, 0.5% or a fraction such as 0.1), drawn by --label-seed, not --seed, so every seed and
every variant probes with the same labels; only those images' features are computed. The test
split is never subsetted. result.json records labels { percent, seed, images }.

flags:
${describeFlags(FLAGS)}

exit status: 0 done, 1 unusable checkpoint or data, 2 usage error.

examples:
  maec probe runs/fashion --data fashion-mnist
  maec probe runs/tiny/checkpoint.safetensors --data synthetic:classes=4 --epochs 20
  maec probe --scratch models/mnist-tiny.ts --data fashion-mnist
  maec probe runs/fashion --data fashion-mnist --labels 1% --label-seed 0
`;

const usage = (io: Io, message: string): ExitCode => usageError(io, 'probe', message);

/** `maec probe`: see HELP. */
export const probeCommand: Command = {
  name: 'probe',
  summary: 'linear probe of a pretrained encoder on a labelled dataset',
  help: HELP,
  async run(argv, io) {
    const args = commandArgs(argv, FLAGS, io, probeCommand);
    if (typeof args === 'number') return args;
    const f = args.flags;
    if (args.positionals.length !== 1) return usage(io, args.positionals.length === 0 ? `missing <${f.scratch ? 'model.ts | spec.json' : 'run dir | checkpoint.safetensors'}>` : `expected one run, got ${args.positionals.length}`);
    if (f.export !== undefined && !f.scratch) return usage(io, '--export needs --scratch');
    if (f.data === undefined) return usage(io, 'missing --data SRC');
    const pooling = (f.pool ?? 'cls') as Pooling;
    if (!POOLINGS.includes(pooling)) return usage(io, `--pool must be one of ${POOLINGS.join(', ')}, got ${f.pool}`);
    const backendArg = f.backend as BackendName | undefined;
    if (backendArg !== undefined && !BACKENDS.includes(backendArg)) return usage(io, `unknown backend ${backendArg}: expected one of ${BACKENDS.join(', ')}`);
    const parsed = {
      epochs: intFlag(f.epochs, 'epochs', PROBE_DEFAULTS.epochs, 1),
      batchSize: intFlag(f.batch, 'batch', PROBE_DEFAULTS.batchSize, 1),
      blr: numberFlag(f.blr, 'blr', PROBE_DEFAULTS.blr),
      warmupEpochs: numberFlag(f.warmup, 'warmup', PROBE_DEFAULTS.warmupEpochs),
      seed: intFlag(f.seed, 'seed', 0, 0),
      trainLimit: intFlag(f['train-limit'], 'train-limit', 0, 1),
      testLimit: intFlag(f['test-limit'], 'test-limit', 0, 1),
    };
    for (const v of Object.values(parsed)) if (typeof v === 'string') return usage(io, v);
    const p = parsed as { [K in keyof typeof parsed]: number };
    if (p.warmupEpochs > p.epochs) return usage(io, `--warmup must be at most --epochs (${p.epochs}), got ${p.warmupEpochs}`);
    const labels = chooseLabels(f.labels, f['label-seed']);
    if (typeof labels === 'string') return usage(io, labels);
    const config: ProbeConfig = { epochs: p.epochs, batchSize: p.batchSize, blr: p.blr, warmupEpochs: p.warmupEpochs, seed: p.seed };

    const runArg = resolve(io.cwd, args.positionals[0]!);
    let pretrained: { readonly spec: MaeSpec; readonly weights: ReadonlyMap<string, Float32Array>; readonly file: string | null };
    if (f.scratch) {
      const loaded = await loadSpec(runArg, io.cwd, f.export);
      if (!loaded.ok) {
        io.err(`${loaded.message}\n`);
        return loaded.code;
      }
      pretrained = { spec: loaded.spec, weights: new Map(), file: null };
    }
    let dataset;
    try {
      pretrained ??= await loadPretrained(runArg);
      dataset = await openDataset(f.data);
    } catch (e) {
      io.err(`maec probe: ${(e as Error).message}\n`);
      return EXIT.modelError;
    }
    const outDir = f.out !== undefined ? resolve(io.cwd, f.out) : f.scratch ? resolve(io.cwd, 'runs', 'scratch-probe') : outDirFor(checkpointPath(runArg), 'probe');
    const target = await openTarget(backendArg);
    io.err(`backend ${describeTarget(target)}\n`);
    const threads = chooseThreads(f.threads as string | undefined, undefined, buildGraph(pretrained.spec, 'encoder'), FEATURE_BATCH, target.backend);
    if (typeof threads === 'string') return usage(io, threads);
    io.err(`${threads.threads} feature thread${threads.threads === 1 ? '' : 's'} (${threads.reason})\n`);
    const bar = progress((t) => io.err(t), process.stderr.isTTY === true);
    let result;
    try {
      result = await probe({
        spec: pretrained.spec,
        weights: pretrained.weights,
        initSeed: f.scratch ? p.seed : 0,
        dataset,
        target,
        pooling,
        config,
        threads: threads.threads,
        ...(p.trainLimit > 0 ? { trainLimit: p.trainLimit } : {}),
        ...(p.testLimit > 0 ? { testLimit: p.testLimit } : {}),
        ...(labels ? { labels } : {}),
        outDir,
        record: { mode: f.scratch ? 'probe-scratch' : 'probe', checkpoint: pretrained.file, ...(f.scratch ? { model: runArg } : {}), data: f.data },
        progress: bar,
      });
    } catch (e) {
      io.err(`maec probe: ${e instanceof DataError ? `${e.code} ` : ''}${(e as Error).message}\n`);
      return EXIT.modelError;
    }
    bar.line(`linear probe on ${f.data} test (${result.testImages} images), ${result.seconds.toFixed(1)} s:`);
    io.out(result.text);
    io.err(`wrote ${join(outDir, 'result.json')} and confusion.png\n`);
    return EXIT.ok;
  },
};
