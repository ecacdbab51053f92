import { BACKEND_FLAG } from '../backend-flag.ts';
import { chooseThreads, THREADS_FLAG } from '../threads-flag.ts';
import { buildGraph } from '../../compiler/build/mae.ts';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { decodeSpec } from '../../dsl/decode.ts';
import { applyOverrides, DEFAULTS, PRETRAIN_AUGMENTS, type MaeSpec, type PretrainAugment } from '../../dsl/index.ts';
import { formatProblem } from '../../dsl/problem.ts';
import { describeTarget, openTarget, type BackendName } from '../../runtime/tfjs/target.ts';
import { readCheckpoint } from '../../runtime/checkpoint/index.ts';
import { DataError, DEFAULT_SOURCE, openDataset } from '../../runtime/data/index.ts';
import { createReporter } from '../../runtime/progress/index.ts';
import { checkHyper, PRETRAIN_DEFAULTS, type PretrainHyper } from '../../runtime/train/hyper.ts';
import { TrainError } from '../../runtime/train/errors.ts';
import { settingDifferences } from '../../runtime/checkpoint/resume-check.ts';
import { checkMemory } from '../../compiler/analysis/index.ts';
import { describeFsError, isFsError } from '../../runtime/io/index.ts';
import { pretrain } from '../../runtime/train/run.ts';
import { runFiles } from '../../runtime/train/run-dir.ts';
import { describeFlags } from '../args.ts';
import { intFlag, numberFlag, parseDecimal, parseInteger, shownText } from '../numbers.ts';
import { commandArgs, usageError } from '../prologue.ts';
import type { Command } from '../command.ts';
import { displayPath } from '../model-file/location.ts';
import { EXIT, type ExitCode } from '../exit.ts';
import { watchInterrupt } from '../interrupt.ts';
import type { Io } from '../io.ts';
import { loadSpec } from '../spec-source.ts';

const FLAGS = {
  data: { kind: 'string', value: 'SRC', help: `training data: mnist, fashion-mnist[:DIR], folder:DIR, synthetic[:...] (default ${DEFAULT_SOURCE})` },
  epochs: { kind: 'string', value: 'N', help: `epochs (default ${PRETRAIN_DEFAULTS.epochs})` },
  batch: { kind: 'string', value: 'B', help: `images per micro-batch (default ${PRETRAIN_DEFAULTS.batch})` },
  accum: { kind: 'string', value: 'A', help: `micro-batches per optimizer step, effective batch B*A (default ${PRETRAIN_DEFAULTS.accum})` },
  blr: { kind: 'string', value: 'LR', help: `base learning rate, lr = blr * B * A / 256 (default ${PRETRAIN_DEFAULTS.blr})` },
  warmup: { kind: 'string', value: 'E', help: 'warmup epochs, fractional allowed (default 5% of the run)' },
  augment: { kind: 'string', value: 'A', help: `override the spec's augmentation: ${PRETRAIN_AUGMENTS.join(', ')} (default: the spec's, normally ${DEFAULTS.augment})` },
  seed: { kind: 'string', value: 'S', help: `seed of initialisation, data order, augmentation and masks (default ${PRETRAIN_DEFAULTS.seed})` },
  out: { kind: 'string', value: 'DIR', help: 'run folder (default runs/<model name>)' },
  resume: { kind: 'boolean', help: 'continue the run in --out from its checkpoint, with its recorded settings (a flag that differs from them is refused)' },
  backend: BACKEND_FLAG,
  export: { kind: 'string', value: 'NAME', help: 'which spec to train when the model file exports several' },
  'checkpoint-every': { kind: 'string', value: 'N', help: `also checkpoint every N optimizer steps, 0 = epoch ends only (default ${PRETRAIN_DEFAULTS.checkpointEvery})` },
  steps: { kind: 'string', value: 'N', help: 'stop after N optimizer steps in this invocation, with a checkpoint (continue with --resume)' },
  limit: { kind: 'string', value: 'N', help: 'use only the first N training images (quick trials; recorded, so --resume keeps it)' },
  threads: THREADS_FLAG,
} as const;

const HELP = `usage: maec pretrain <model.ts | spec.json> [flags]
       maec pretrain --resume --out runs/NAME

Pretrains a masked autoencoder as the MAE recipe does: AdamW (betas 0.9, 0.95, weight decay
0.05 except biases and 1-D parameters), per-step linear warmup then half-cosine decay,
gradient accumulation. Augmentation, mask ratio and mask strategy come from the spec (by
default RandomResizedCrop + flip and 75% random masking).

Augmentation (Table 1e): none = resize only; crop-fixed = a 7/8-side crop at a random place
(Resize(256) + RandomCrop(224)) + flip; crop = RandomResizedCrop(0.2-1) + flip, the recipe;
crop+jitter = crop, then brightness/contrast (and, in colour, saturation) jitter 0.4. Digits are
never flipped. --augment is written into the run's spec.json and checkpoint, so --resume keeps it.

The run folder receives spec.json, metrics.jsonl (one line per step), checkpoint.safetensors
(every epoch and every --checkpoint-every steps, replaced atomically), reconstructions/epoch-NNN.png
(original | masked | reconstruction | reconstruction + visible patches, 8 test images) and
loss.png. Ctrl-C saves a checkpoint and exits (status 130); --resume continues exactly, giving
the same losses as an uninterrupted run on the same backend.

flags:
${describeFlags(FLAGS)}

exit status: 0 trained, 1 the run failed (bad data, NaN loss, model errors), 2 usage error,
130 interrupted (checkpoint saved).

examples:
  maec pretrain models/mnist-tiny.ts --epochs 3 --out runs/quick
  maec pretrain models/fashion-mnist.ts --data fashion-mnist --batch 128 --accum 2
  maec pretrain --resume --out runs/quick
`;


/** `maec pretrain`: see HELP. */
export const pretrainCommand: Command = {
  name: 'pretrain',
  summary: 'pretrain an MAE on image data, with checkpoints, resume and reconstructions',
  help: HELP,
  async run(argv, io) {
    const args = commandArgs(argv, FLAGS, io, pretrainCommand);
    if (typeof args === 'number') return args;
    const f = args.flags;
    if (args.positionals.length > 1) return usage(io, `expected one model file, got ${args.positionals.length}`);
    const modelArg = args.positionals[0];
    if (modelArg === undefined && !f.resume) return usage(io, 'missing <model.ts | spec.json>');
    if (f.resume && f.out === undefined) return usage(io, '--resume needs --out DIR, the run to continue');

    let spec: MaeSpec;
    let hyper: PretrainHyper;
    let data: string;
    let dir: string;
    if (f.resume) {
      dir = resolve(io.cwd, f.out!);
      const ckptPath = runFiles(dir).checkpoint;
      if (!existsSync(ckptPath)) return runError(io, `cannot resume: ${displayPath(ckptPath, io.cwd)} does not exist (expected the checkpoint of an earlier run)`);
      let meta;
      try {
        meta = (await readCheckpoint(ckptPath)).meta;
      } catch (e) {
        return runError(io, (e as Error).message);
      }
      const decoded = decodeSpec(meta.spec);
      if (E.isLeft(decoded)) return runError(io, `the checkpoint's spec is invalid: ${decoded.left.map(formatProblem).join('; ')}`);
      spec = decoded.right;
      hyper = meta.hyper;
      data = meta.data;
      // A flag given with --resume must repeat what the run recorded: a different value would
      // silently make it another run (another image count, lr or schedule).
      const differences = resumeDifferences(f, { data, hyper, augment: spec.augment });
      if (typeof differences === 'string') return usage(io, differences);
      if (differences.length > 0)
        return runError(io, `cannot resume ${displayPath(dir, io.cwd)} with other settings than it was started with:\n  ${differences.join('\n  ')}\nleave those flags out to continue the run as recorded, or start a new run with another --out`);
      if (f['checkpoint-every'] !== undefined) {
        const every = intFlag(f['checkpoint-every'] as string, 'checkpoint-every', hyper.checkpointEvery, 0);
        if (typeof every === 'string') return usage(io, every);
        hyper = { ...hyper, checkpointEvery: every };
        const problems = checkHyper(hyper);
        if (problems.length > 0) return usage(io, problems.join('; '));
      }
      if (modelArg !== undefined) {
        const loaded = await loadSpec(resolve(io.cwd, modelArg), io.cwd, f.export);
        if (!loaded.ok) return fail(io, loaded);
        // The augmentation may have come from --augment, so only the rest must match.
        if (JSON.stringify(applyOverrides(loaded.spec, { augment: spec.augment })) !== JSON.stringify(spec))
          return runError(io, `${modelArg} does not describe the model of the run in ${f.out}; leave the model out to resume with the recorded spec`);
        if (loaded.spec.augment !== spec.augment) io.err(`maec pretrain: resuming with the run's recorded augment ${spec.augment}, not ${modelArg}'s ${loaded.spec.augment}\n`);
      }
    } else {
      const loaded = await loadSpec(resolve(io.cwd, modelArg!), io.cwd, f.export);
      if (!loaded.ok) return fail(io, loaded);
      const augment = f.augment as PretrainAugment | undefined;
      if (augment !== undefined && !PRETRAIN_AUGMENTS.includes(augment)) return usage(io, `--augment must be one of ${PRETRAIN_AUGMENTS.join(', ')}, found ${augment}`);
      spec = augment === undefined ? loaded.spec : applyOverrides(loaded.spec, { augment });
      const parsed = parseHyper(f);
      if (typeof parsed === 'string') return usage(io, parsed);
      hyper = parsed;
      data = f.data ?? DEFAULT_SOURCE;
      dir = resolve(io.cwd, f.out ?? `runs/${fileStem(modelArg!)}`);
    }
    const maxSteps = f.steps === undefined ? undefined : positiveInt(f.steps);
    if (maxSteps === null) return usage(io, `--steps must be a positive integer, found ${f.steps}`);

    let target;
    try {
      target = await openTarget(f.backend as BackendName | undefined);
    } catch (e) {
      return usage(io, (e as Error).message);
    }
    io.out(`backend ${describeTarget(target)}\n`);
    const threads = chooseThreads(f.threads as string | undefined, f.resume ? (hyper.threads ?? 1) : undefined, buildGraph(spec), hyper.batch, target.backend);
    if (typeof threads === 'string') return usage(io, threads);
    // Recorded only above one: a run without the field is a one-thread run, as before threads existed.
    const { threads: _, ...rest } = hyper;
    hyper = threads.threads > 1 ? { ...rest, threads: threads.threads } : rest;
    io.out(`${threads.threads} training thread${threads.threads === 1 ? '' : 's'} (${threads.reason})\n`);
    // The wasm heap is 4 GiB: refuse a run whose estimated memory cannot fit, before any folder is made.
    if (target.backend === 'wasm') {
      const [tooBig] = checkMemory(spec, hyper.batch);
      if (tooBig) return runError(io, `${tooBig.code} ${tooBig.path}: ${tooBig.message}`);
    }

    let dataset;
    try {
      dataset = await openDataset(data, { onWarning: (s) => io.err(`maec pretrain: skipping ${s.path}: ${s.reason}\n`) });
    } catch (e) {
      if (e instanceof DataError) return runError(io, `${e.code} ${e.message}`);
      throw e;
    }
    io.out(
      `${f.resume ? 'resuming' : 'training'} on ${dataset.name} (${dataset.splits.train} train images) into ${displayPath(dir, io.cwd)}: ` +
        `${hyper.epochs} epochs, batch ${hyper.batch} x accum ${hyper.accum}, blr ${hyper.blr} (lr ${((hyper.blr * hyper.batch * hyper.accum) / 256).toExponential(2)}), warmup ${+hyper.warmupEpochs.toPrecision(6)} epochs, augment ${spec.augment}, seed ${hyper.seed}\n`,
    );

    const interrupt = watchInterrupt(io, 'pretrain');
    const reporter = createReporter({ write: io.out, tty: process.stdout.isTTY === true && io.out.length === 1 && io.cwd === process.cwd() });
    const t0 = performance.now();
    try {
      const { result, lastLoss } = await pretrain({
        spec,
        dataset,
        data,
        hyper,
        dir,
        resume: f.resume === true,
        target,
        reporter,
        interrupted: interrupt.requested,
        ...(maxSteps !== undefined ? { maxSteps } : {}),
      });
      const took = ((performance.now() - t0) / 1000).toFixed(1);
      const shown = displayPath(dir, io.cwd);
      const p = result.position;
      if (result.kind === 'stopped') {
        reporter.note(`stopped at step ${p.step} (epoch ${p.epoch + 1}, batch ${p.batchInEpoch}) after ${took}s; checkpoint saved; continue with: maec pretrain --resume --out ${shown}`);
        return interrupt.requested() ? EXIT.interrupted : EXIT.ok;
      }
      reporter.note(`finished ${hyper.epochs} epochs (${p.step} steps) in ${took}s, last loss ${lastLoss?.toFixed(4) ?? '-'}; see ${shown}/loss.png and ${shown}/reconstructions/`);
      return EXIT.ok;
    } catch (e) {
      if (e instanceof TrainError) return runError(io, `${e.code} ${e.message}`);
      if (e instanceof DataError) return runError(io, `${e.code} ${e.message}`);
      if (isFsError(e)) return runError(io, describeFsError(e));
      // Anything else is a bug or an I/O failure; say so plainly rather than let the wasm
      // runtime's uncaught-exception hook print its whole source.
      return runError(io, `the run failed: ${(e as Error).stack ?? String(e)}`);
    } finally {
      interrupt.dispose();
    }
  },
};


function fileStem(path: string): string {
  return path.replace(/^.*[\\/]/, '').replace(/\.(ts|mts|json)$/, '');
}

/** The hyper-parameters from the flags over the defaults, or the first problem. */
function parseHyper(f: Readonly<Record<string, string | boolean | undefined>>): PretrainHyper | string {
  const text = (key: string): string | undefined => (typeof f[key] === 'string' ? f[key] : undefined);
  const parsed = {
    epochs: intFlag(text('epochs'), 'epochs', PRETRAIN_DEFAULTS.epochs, 1),
    batch: intFlag(text('batch'), 'batch', PRETRAIN_DEFAULTS.batch, 1),
    accum: intFlag(text('accum'), 'accum', PRETRAIN_DEFAULTS.accum, 1),
    blr: numberFlag(text('blr'), 'blr', PRETRAIN_DEFAULTS.blr),
    warmup: numberFlag(text('warmup'), 'warmup', 0),
    seed: intFlag(text('seed'), 'seed', PRETRAIN_DEFAULTS.seed),
    checkpointEvery: intFlag(text('checkpoint-every'), 'checkpoint-every', PRETRAIN_DEFAULTS.checkpointEvery, 0),
    limit: intFlag(text('limit'), 'limit', 0, 1),
  };
  const unreadable = Object.values(parsed).filter((v): v is string => typeof v === 'string');
  if (unreadable.length > 0) return unreadable.join('; ');
  const p = parsed as { [K in keyof typeof parsed]: number };
  const h: PretrainHyper = {
    epochs: p.epochs,
    batch: p.batch,
    accum: p.accum,
    blr: p.blr,
    // 5% of the run, as the official 40 of 800 epochs.
    warmupEpochs: text('warmup') === undefined ? 0.05 * p.epochs : p.warmup,
    seed: p.seed,
    checkpointEvery: p.checkpointEvery,
    ...(text('limit') !== undefined ? { limit: p.limit } : {}),
  };
  const problems = checkHyper(h);
  return problems.length > 0 ? problems.join('; ') : h;
}

/**
 * The settings a --resume was given that differ from what the run recorded, one line each
 * (runtime/checkpoint/resume-check.ts); flags left out are taken from the run.
 */
function resumeDifferences(f: Readonly<Record<string, string | boolean | undefined>>, run: { data: string; hyper: PretrainHyper; augment: string }): string[] | string {
  const recorded: Record<string, unknown> = {
    data: run.data,
    epochs: run.hyper.epochs,
    batch: run.hyper.batch,
    accum: run.hyper.accum,
    blr: run.hyper.blr,
    warmup: run.hyper.warmupEpochs,
    seed: run.hyper.seed,
    augment: run.augment,
    limit: run.hyper.limit,
    threads: run.hyper.threads ?? 1,
  };
  const given: Record<string, unknown> = {};
  for (const key of Object.keys(recorded)) {
    const v = f[key];
    if (typeof v !== 'string') continue;
    if (key === 'data' || key === 'augment') given[key] = v;
    else {
      // Read as strictly as a fresh run reads it: a typo is an error, never a NaN that "differs".
      const n = parseDecimal(v);
      if (n === undefined) return `--${key} must be a number, found ${shownText(v)}`;
      given[key] = n;
    }
  }
  return settingDifferences(Object.fromEntries(Object.keys(given).map((k) => [k, recorded[k]])), given).map((line) => `--${line}`);
}

function positiveInt(text: string): number | null {
  const n = parseInteger(text);
  return n !== undefined && n > 0 ? n : null;
}

const usage = (io: Io, message: string): ExitCode => usageError(io, 'pretrain', message);

function runError(io: Io, message: string): ExitCode {
  io.err(`maec pretrain: ${message}\n`);
  return EXIT.modelError;
}

function fail(io: Io, loaded: { readonly code: ExitCode; readonly message: string }): ExitCode {
  if (loaded.code === EXIT.usage) return usage(io, loaded.message);
  io.err(`${loaded.message}\n`);
  return loaded.code;
}
