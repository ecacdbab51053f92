import type { Command } from '../command.ts';
import { compileCommand } from './compile.ts';
import { pretrainCommand } from './pretrain.ts';
import { finetuneCommand } from './finetune.ts';
import { forwardCommand } from './forward.ts';
import { probeCommand } from './probe.ts';
import { reconstructCommand } from './reconstruct.ts';
import { sweepCommand } from './sweep.ts';
import { exportCommand } from './export.ts';
import { workerCommand } from './worker.ts';

/**
 * Every subcommand, in the order the help lists them. A new command is one file under
 * cli/commands/ and one entry here.
 */
export const COMMANDS: readonly Command[] = Object.freeze([compileCommand, pretrainCommand, reconstructCommand, forwardCommand, probeCommand, finetuneCommand, sweepCommand, workerCommand, exportCommand]);
