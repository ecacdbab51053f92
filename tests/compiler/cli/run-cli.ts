import { COMMANDS } from '../../../cli/commands/index.ts';
import { dispatch } from '../../../cli/dispatch.ts';
import { bufferIo } from '../../../cli/io.ts';

/** The repository root: golden output shows paths relative to it, as a user running from there sees them. */
export const ROOT = new URL('../../../', import.meta.url).pathname.replace(/\/$/, '');

/** Runs `maec <argv>` in this process (sharing one ts-morph project across calls). */
export async function runCli(argv: readonly string[], cwd = ROOT): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = bufferIo(cwd);
  const code = await dispatch(argv, COMMANDS, io);
  return { code, stdout: io.stdout.join(''), stderr: io.stderr.join('') };
}

/** The golden transcript of a run: the command, its exit status, stdout and stderr. */
export function transcript(argv: readonly string[], run: { code: number; stdout: string; stderr: string }): string {
  return `$ maec ${argv.join(' ')}\nexit ${run.code}\n--- stdout\n${run.stdout}--- stderr\n${run.stderr}`;
}
