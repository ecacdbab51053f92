import type { Report } from '../../compiler/index.ts';
import { formatTable, thousands } from './table.ts';

/** One compiled spec: its display name, the export it came from, and the analysis. */
export interface Compiled {
  readonly name: string;
  readonly exportName: string;
  readonly report: Report;
}

const HEADER = [
  'name',
  'image',
  'patch',
  'L',
  'K',
  'enc params',
  'dec params',
  'GFLOPs fwd',
  'GFLOPs step',
  'act MB/img',
  'speedup enc',
  'speedup step',
] as const;

/**
 * The summary table `maec compile` prints: per spec, image (size x size x channels), patch,
 * L and K; trainable encoder and decoder parameters; GFLOPs per image (10^9, forward and
 * training step); activation MB per image (10^6 bytes); FLOP speedup over the symmetric
 * baseline (encoder forward, whole training step).
 */
export function summaryTable(compiled: readonly Compiled[]): string {
  return formatTable(
    HEADER,
    compiled.map(({ name, report: r }) => [
      name,
      `${r.image.size}x${r.image.size}x${r.image.channels}`,
      String(r.patch),
      String(r.numPatches),
      String(r.numVisible),
      thousands(r.params.encoder),
      thousands(r.params.decoder),
      (r.flops.forward.total / 1e9).toFixed(3),
      (r.flops.step.total / 1e9).toFixed(3),
      (r.memory.activationBytesPerImage / 1e6).toFixed(2),
      `${r.speedup.encoder.toFixed(2)}x`,
      `${r.speedup.step.toFixed(2)}x`,
    ]),
  );
}
