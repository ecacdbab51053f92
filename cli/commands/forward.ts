import { BACKEND_FLAG } from '../backend-flag.ts';
import * as tf from '@tensorflow/tfjs-core';
import { resolve } from 'node:path';
import { buildGraph } from '../../compiler/build/mae.ts';
import type { Graph } from '../../compiler/ir/types.ts';
import { BACKENDS, describeTarget, openTarget, TargetError, type BackendName, type Target } from '../../runtime/tfjs/target.ts';
import { initialValue } from '../../runtime/init.ts';
import { FLOAT_DTYPES, loadSafetensors, nonFiniteProblem, saveSafetensors, toFloat32, type SafetensorsFile, type TensorToWrite } from '../../runtime/io/index.ts';
import { Rng } from '../../runtime/rng.ts';
import { lower } from '../../runtime/tfjs/program.ts';
import { loadWeights } from '../../runtime/weights/index.ts';
import { describeFlags } from '../args.ts';
import { sameFile } from '../same-file.ts';
import { intFlag } from '../numbers.ts';
import { commandArgs, usageError } from '../prologue.ts';
import type { Command } from '../command.ts';
import { displayPath } from '../model-file/location.ts';
import { EXIT, type ExitCode } from '../exit.ts';
import type { Io } from '../io.ts';
import { loadSpec } from '../spec-source.ts';

const FLAGS = {
  weights: { kind: 'string', value: 'W.safetensors', help: 'parameters, official or Hugging Face names (required)' },
  inputs: { kind: 'string', value: 'I.safetensors', help: 'imgs [N,C,H,W] float32 and optionally noise [N,L] (required)' },
  out: { kind: 'string', value: 'O.safetensors', help: 'where to write the results, atomically (required)' },
  grads: { kind: 'boolean', help: 'also write grad.<name> for every trainable parameter' },
  backend: BACKEND_FLAG,
  export: { kind: 'string', value: 'NAME', help: 'which spec, when the model file exports several' },
  seed: { kind: 'string', value: 'S', help: 'seed of the masking noise when the inputs hold none (default 0)' },
} as const;

const HELP = `usage: maec forward <model.ts | spec.json> --weights W.safetensors --inputs I.safetensors --out O.safetensors [--grads]

Runs one MAE pretraining forward pass (and with --grads the backward pass) on given weights
and inputs, and writes every result, for comparison with another implementation.

Inputs: imgs [N, C, H, W] float32; noise [N, L] (optional) decides the masking exactly as the
official code (the L - K patches with the largest noise are removed). Without noise, noise
is drawn from --seed and written to the output.
Outputs: loss [], pred [N, L, p*p*C], mask [N, L] (1 = removed), ids_restore [N, L] (I64),
latent [N, 1+K, D], noise [N, L]; with --grads, grad.<official name> per trainable parameter.

flags:
${describeFlags(FLAGS)}

exit status: 0 done, 1 bad model, weights or inputs, 2 usage error.

examples:
  maec forward models/cifar-small.ts --weights w.safetensors --inputs in.safetensors --out out.safetensors
  maec forward spec.json --weights hf-vitmae.safetensors --inputs in.safetensors --out out.safetensors --grads --backend cpu
`;

const usage = (io: Io, message: string): ExitCode => usageError(io, 'forward', message);

function fail(io: Io, message: string): ExitCode {
  io.err(`maec forward: ${message}\n`);
  return EXIT.modelError;
}

const shapeText = (shape: readonly number[]) => `[${shape.join(', ')}]`;

/** The input tensor `name` as a float32 tensor of the expected shape, or the reason it is not. */
function inputTensor(file: SafetensorsFile, name: string, expected: readonly number[], shown: string): tf.Tensor | string {
  const t = file.tensors.get(name);
  if (!t) return `${shown}: tensor "${name}" is missing (expected ${shapeText(expected)})`;
  if (shapeText(t.shape) !== shapeText(expected)) return `${shown}: tensor "${name}" has shape ${shapeText(t.shape)}, expected ${shapeText(expected)}`;
  if (!FLOAT_DTYPES.includes(t.dtype)) return `${shown}: tensor "${name}" has dtype ${t.dtype}, expected a float dtype (${FLOAT_DTYPES.join(', ')})`;
  const data = toFloat32(t, shown);
  const nonFinite = nonFiniteProblem(name, t.shape, data);
  if (nonFinite !== undefined) return `${shown}: ${nonFinite}`;
  return tf.tensor(data, [...t.shape]);
}

/** The first parameter holding a NaN or an infinity, named with its first bad element; undefined when all are finite. */
function nonFiniteWeight(graph: Graph, weights: ReadonlyMap<string, Float32Array>, shown: string): string | undefined {
  for (const p of graph.params) {
    const data = weights.get(p.name);
    const problem = data && nonFiniteProblem(p.name, p.shape, data);
    if (problem !== undefined) return `${shown}: ${problem}`;
  }
  return undefined;
}

/** Parameter tensors: the checkpoint's, plus the fixed sin-cos tables where it has none. */
function paramTensors(graph: Graph, weights: Map<string, Float32Array>): Map<string, tf.Tensor> {
  const rng = Rng.fromSeed(0);
  return new Map(graph.params.map((p) => [p.name, tf.tensor(weights.get(p.name) ?? initialValue(p, rng), [...p.shape])]));
}

/** `maec forward`: see HELP. */
export const forwardCommand: Command = {
  name: 'forward',
  summary: 'run one forward (and backward) pass on given weights and inputs, write the results',
  help: HELP,
  async run(argv, io) {
    const args = commandArgs(argv, FLAGS, io, forwardCommand);
    if (typeof args === 'number') return args;
    if (args.positionals.length !== 1) return usage(io, args.positionals.length === 0 ? 'missing <model.ts | spec.json>' : `expected one model, got ${args.positionals.length}`);
    const { weights: weightsArg, inputs: inputsArg, out: outArg } = args.flags;
    for (const [flag, value] of [['--weights', weightsArg], ['--inputs', inputsArg], ['--out', outArg]] as const)
      if (value === undefined) return usage(io, `missing ${flag}`);
    const backendArg = args.flags.backend as BackendName | undefined;
    if (backendArg !== undefined && !BACKENDS.includes(backendArg)) return usage(io, `unknown backend ${backendArg}: expected one of ${BACKENDS.join(', ')}`);
    const seed = intFlag(args.flags.seed, 'seed', 0);
    if (typeof seed === 'string') return usage(io, seed);
    const weightsPath = resolve(io.cwd, weightsArg!);
    const inputsPath = resolve(io.cwd, inputsArg!);
    const outPath = resolve(io.cwd, outArg!);
    // Writing the results over what the command reads would destroy it.
    for (const [what, path] of [['the --weights file', weightsPath], ['the --inputs file', inputsPath], ['the model file', resolve(io.cwd, args.positionals[0]!)]] as const)
      if (sameFile(outPath, path)) return usage(io, `--out ${outArg} is ${what}; the results would overwrite it: choose another --out`);

    const loaded = await loadSpec(resolve(io.cwd, args.positionals[0]!), io.cwd, args.flags.export);
    if (!loaded.ok) {
      io.err(`${loaded.message}\n`);
      return loaded.code;
    }
    const graph = buildGraph(loaded.spec);
    let weights: Map<string, Float32Array>;
    let inputs: SafetensorsFile;
    try {
      weights = loadWeights((await loadSafetensors(weightsPath)).tensors, graph.params, { source: displayPath(weightsPath, io.cwd) });
      inputs = await loadSafetensors(inputsPath);
    } catch (e) {
      return fail(io, (e as Error).message);
    }
    const badWeight = nonFiniteWeight(graph, weights, displayPath(weightsPath, io.cwd));
    if (badWeight !== undefined) return fail(io, badWeight);

    // Every result is read back with `await data()`, so forward can run on webgpu.
    let target: Target;
    try {
      target = await openTarget(backendArg);
    } catch (e) {
      if (e instanceof TargetError) return fail(io, e.message);
      throw e;
    }
    io.err(`backend ${describeTarget(target)}\n`);
    const { channels: c, imageSize: s, numPatches: l } = graph.meta;
    const imgsT = inputs.tensors.get('imgs');
    if (!imgsT || imgsT.shape.length !== 4) return fail(io, `${displayPath(inputsPath, io.cwd)}: tensor "imgs" must be [N, ${c}, ${s}, ${s}]${imgsT ? `, got ${shapeText(imgsT.shape)}` : ' and is missing'}`);
    const n = imgsT.shape[0]!;
    const shownInputs = displayPath(inputsPath, io.cwd);
    if (n === 0) return fail(io, `${shownInputs}: tensor "imgs" has shape ${shapeText(imgsT.shape)}, expected [N, ${c}, ${s}, ${s}] with N >= 1 images`);
    const imgs = inputTensor(inputs, 'imgs', [n, c, s, s], shownInputs);
    if (typeof imgs === 'string') return fail(io, imgs);
    const noise = inputs.tensors.has('noise') ? inputTensor(inputs, 'noise', [n, l], shownInputs) : tf.tensor(Rng.fromSeed(seed).uniformArray(n * l), [n, l]);
    if (typeof noise === 'string') return fail(io, noise);

    const params = paramTensors(graph, weights);
    const program = lower(graph, target);
    const names = ['pred', 'mask', 'ids_restore', 'latent'];
    const result = args.flags.grads
      ? program.lossAndGrads(params, { imgs, noise }, names)
      : (() => {
          const o = program.run(params, { imgs, noise }, ['loss', ...names]);
          return { loss: o['loss']!, grads: new Map<string, tf.Tensor>(), outputs: o };
        })();
    const out = new Map<string, TensorToWrite>();
    // Awaited reads: on webgpu a synchronous read of GPU data throws in Node.
    const put = async (name: string, t: tf.Tensor) => {
      const data = await t.data();
      out.set(name, t.dtype === 'int32' ? { shape: t.shape, data: Int32Array.from(data) } : { shape: t.shape, data: Float32Array.from(data) });
    };
    await put('loss', result.loss);
    for (const name of names) await put(name, result.outputs[name]!);
    await put('noise', noise);
    for (const [name, g] of result.grads) await put(`grad.${name}`, g);
    const loss = (out.get('loss')!.data as Float32Array)[0]!;
    try {
      await saveSafetensors(outPath, out, { producer: 'maec forward', backend: target.backend });
    } catch (e) {
      return fail(io, (e as Error).message);
    }
    io.out(`loss ${loss.toPrecision(8)}; wrote ${out.size} tensors to ${displayPath(outPath, io.cwd)}\n`);
    tf.dispose([imgs, noise, result.loss, ...Object.values(result.outputs), ...result.grads.values(), ...params.values()]);
    return EXIT.ok;
  },
};
