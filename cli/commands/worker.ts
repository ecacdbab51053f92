import { shareCores } from '../../runtime/parallel/threads.ts';
import { describeFlags } from '../args.ts';
import { intFlag } from '../numbers.ts';
import { commandArgs, usageError } from '../prologue.ts';
import type { Command } from '../command.ts';
import { EXIT, type ExitCode } from '../exit.ts';
import { watchInterrupt } from '../interrupt.ts';
import type { Io } from '../io.ts';
import { parseRedisUrl, QUEUE_NAME } from '../../sweep/queue.ts';

const FLAGS = {
  queue: { kind: 'string', value: 'URL', help: 'redis://HOST:PORT[/DB] of the sweeps (required): the same address `maec sweep --queue` got' },
  concurrency: { kind: 'string', value: 'N', help: 'stages run at once (default 1); each stage is one process, so at most one per core' },
  'stall-seconds': { kind: 'string', value: 'S', help: 'a job whose worker has not renewed it for S seconds is taken as stalled and given to another worker (default 30); the same on every worker' },
} as const;

const HELP = `usage: maec worker --queue redis://HOST:PORT[/DB] [--concurrency N]

Runs the stages that 'maec sweep --queue' enqueues (pretrain, linear probe, fine-tune of each
variant and control), taken from the BullMQ queue '${QUEUE_NAME}' in Redis, each as the same
'maec' child process a local sweep runs. Start one worker on each machine; --concurrency sets
how many stages it runs at once (one per core at most: a stage keeps a core busy).

The job names its sweep folder by absolute path: it must be on a filesystem this machine
reaches at the same path (NFS, a cluster filesystem). The worker runs each stage in the folder
the sweep was started from when it exists here, else in the sweep folder.

Faults: a failed stage writes error.log and fails its job with its exit status and log tail;
the queue retries it (maec sweep --attempts) and then reports it failed. A stage already
finished is not run again. If a worker dies (even kill -9), its job stalls: another worker
takes it after --stall-seconds, waits until the dead worker's stage has saved its checkpoint
and released its folder, and resumes from it. Ctrl-C (or SIGTERM) asks the running stages to
save a checkpoint and stop, hands their jobs back to the queue and exits 130; a second Ctrl-C
quits at once (the stages still save: they notice their worker is gone).

flags:
${describeFlags(FLAGS)}

exit status: 130 stopped by Ctrl-C or SIGTERM, 2 usage error, 1 the worker could not run.

examples:
  maec worker --queue redis://10.0.0.5:6379
  maec worker --queue redis://10.0.0.5:6379/2 --concurrency 4
`;

/** `maec worker`: see HELP. */
export const workerCommand: Command = {
  name: 'worker',
  summary: 'run the stages of sweeps queued with maec sweep --queue (one per machine)',
  help: HELP,
  async run(argv, io) {
    const args = commandArgs(argv, FLAGS, io, workerCommand);
    if (typeof args === 'number') return args;
    const f = args.flags;
    if (args.positionals.length > 0) return usage(io, `unexpected argument ${args.positionals[0]}`);
    if (f.queue === undefined) return usage(io, 'missing --queue redis://HOST:PORT[/DB]');
    const redis = parseRedisUrl(f.queue);
    if (typeof redis === 'string') return usage(io, redis);
    const concurrency = intFlag(f.concurrency, 'concurrency', 1, 1);
    if (typeof concurrency === 'string') return usage(io, concurrency);
    const stall = intFlag(f['stall-seconds'], 'stall-seconds', 30, 1);
    if (typeof stall === 'string') return usage(io, stall);

    const stop = new AbortController();
    const interrupt = watchInterrupt(io, 'worker', {
      message: 'the running stages save a checkpoint and stop, their jobs go back to the queue (Ctrl-C again to quit now)',
      onRequest: () => stop.abort(),
    });
    const note = (text: string) => io.out(`${new Date().toISOString()} ${text}\n`);
    try {
      const { runWorker } = await import('../../sweep/worker.ts');
      // Each running stage's default --threads takes its share of this machine's cores.
      shareCores(concurrency);
      await runWorker({ redis, concurrency, stalledSeconds: stall, note, signal: stop.signal });
    } catch (e) {
      if (!(e instanceof Error) || e.name === 'TypeError' || e.name === 'ReferenceError') throw e;
      io.err(`maec worker: ${e.message}\n`);
      return EXIT.modelError;
    } finally {
      interrupt.dispose();
    }
    note('stopped');
    return EXIT.interrupted;
  },
};

const usage = (io: Io, message: string): ExitCode => usageError(io, 'worker', message);
