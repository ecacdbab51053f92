import { BACKEND_FLAG } from '../backend-flag.ts';
import { extname, resolve } from 'node:path';
import { BACKENDS, describeTarget, type BackendName } from '../../runtime/tfjs/target.ts';
import { checkpointPath } from '../../runtime/eval/pretrained.ts';
import { reconstructImages, ReconstructRequestError } from '../../runtime/eval/reconstruct-images.ts';
import { describeFlags } from '../args.ts';
import { sameFile } from '../same-file.ts';
import { intFlag, parseDecimal, shownText } from '../numbers.ts';
import { commandArgs, usageError } from '../prologue.ts';
import type { Command } from '../command.ts';
import { displayPath } from '../model-file/location.ts';
import { EXIT, type ExitCode } from '../exit.ts';
import type { Io } from '../io.ts';

const FLAGS = {
  mask: { kind: 'string', value: 'R', help: 'mask ratio to reconstruct with (default: the run\'s own)' },
  out: { kind: 'string', value: 'FILE', help: 'the .png file to write, atomically (default reconstruction.png)' },
  seed: { kind: 'string', value: 'S', help: 'seed of the random masks (default 0)' },
  backend: BACKEND_FLAG,
} as const;

const HELP = `usage: maec reconstruct <run dir | checkpoint.safetensors> <image files...> [--mask R] [--out FILE]

Masks your own images (PNG or JPEG, resized to the model's size and channels) and draws the
paper's Figure 2 for each: original | masked | reconstruction | reconstruction with the
visible patches pasted back, one row per image.

flags:
${describeFlags(FLAGS)}

exit status: 0 written, 1 unreadable checkpoint or image, 2 usage error.

examples:
  maec reconstruct runs/quick digit.png
  maec reconstruct runs/quick a.png b.jpg --mask 0.5 --out half-masked.png
`;

const usage = (io: Io, message: string): ExitCode => usageError(io, 'reconstruct', message);


/** `maec reconstruct`: see HELP. */
export const reconstructCommand: Command = {
  name: 'reconstruct',
  summary: "draw the paper's Figure 2 (masked input and reconstruction) for your own images",
  help: HELP,
  async run(argv, io) {
    const args = commandArgs(argv, FLAGS, io, reconstructCommand);
    if (typeof args === 'number') return args;
    const [run, ...images] = args.positionals;
    if (run === undefined) return usage(io, 'missing <run dir | checkpoint.safetensors>');
    if (images.length === 0) return usage(io, 'missing image files');
    const ratio = args.flags.mask === undefined ? undefined : parseDecimal(args.flags.mask);
    if (args.flags.mask !== undefined && ratio === undefined) return usage(io, `--mask must be a ratio between 0 and 1, found ${shownText(args.flags.mask)}`);
    if (ratio !== undefined && !(ratio > 0 && ratio < 1)) return usage(io, `--mask is out of range: must be a ratio between 0 and 1, found ${args.flags.mask}`);
    const seed = intFlag(args.flags.seed, 'seed', 0);
    if (typeof seed === 'string') return usage(io, seed);
    const backend = args.flags.backend as BackendName | undefined;
    if (backend !== undefined && !BACKENDS.includes(backend)) return usage(io, `unknown backend ${backend}: expected one of ${BACKENDS.join(', ')}`);
    const outArg = args.flags.out ?? 'reconstruction.png';
    // The grid is always PNG: a .jpg name would hold PNG bytes that viewers misread.
    const extension = extname(outArg);
    if (extension.toLowerCase() !== '.png') return usage(io, `--out must name a .png file (the grid is written as PNG), found ${extension === '' ? 'no extension' : `extension ${extension}`} in ${outArg}`);
    const out = resolve(io.cwd, outArg);
    const input = images.find((f) => sameFile(out, resolve(io.cwd, f)));
    if (input !== undefined) return usage(io, `--out ${outArg} is the image file ${input}; the grid would overwrite it: choose another --out`);

    try {
      await reconstructImages({
        checkpoint: checkpointPath(resolve(io.cwd, run)),
        images: images.map((f) => resolve(io.cwd, f)),
        ...(ratio !== undefined ? { ratio } : {}),
        seed,
        out,
        ...(backend !== undefined ? { backend } : {}),
        onTarget: (target) => io.err(`backend ${describeTarget(target)}\n`),
      });
    } catch (e) {
      if (e instanceof ReconstructRequestError) return usage(io, e.message);
      io.err(`maec reconstruct: ${(e as Error).message}\n`);
      return EXIT.modelError;
    }
    io.out(`wrote ${displayPath(out, io.cwd)} (${images.length} image${images.length === 1 ? '' : 's'})\n`);
    return EXIT.ok;
  },
};
