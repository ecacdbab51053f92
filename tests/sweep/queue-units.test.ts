/** The queue's pieces that need no Redis: addresses, job ids, flows, progress parsing, host-aware locks, usage errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { sweepCommand } from '../../cli/commands/sweep.ts';
import { workerCommand } from '../../cli/commands/worker.ts';
import { bufferIo } from '../../cli/io.ts';
import { acquireLock, LockError, lockHolder, STALE_MS } from '../../runtime/io/lock.ts';
import { entryFlow, entryJobIds, parseRedisUrl, QUEUE_NAME, stageJobId, type StageJobData } from '../../sweep/queue.ts';
import { lastStep } from '../../sweep/worker.ts';
import { axesOf, type SweepEntry } from '../../sweep/index.ts';
import { base, ROOT, tempDir, TINY_DATA } from './helpers.ts';
import { freePort } from './redis.ts';

const FIXTURE = join(ROOT, 'tests/sweep/fixtures/one-variant.ts');
const entries: readonly SweepEntry[] = [
  { kind: 'variant', name: 'mask=0.5', dir: 'mask=0.5', spec: base, axes: axesOf(base), gflops: 0.001, speedup: 2 },
  { kind: 'control', name: 'no pretraining', dir: 'no-pretraining', spec: base, controls: ['mask=0.5'] },
];
const options = { data: TINY_DATA, budget: { epochs: 1, batch: 64, probeEpochs: 1, finetuneEpochs: 1, limit: 64, testLimit: 32 }, seed: 0, backend: undefined, labels: [100] };

test('redis:// addresses: host, port (6379 by default), database, TLS, credentials; anything else is refused saying what', () => {
  assert.deepEqual(parseRedisUrl('redis://10.0.0.5:6380/2'), { host: '10.0.0.5', port: 6380, db: 2, tls: false, shown: 'redis://10.0.0.5:6380/2' });
  assert.deepEqual(parseRedisUrl('redis://queue.lab'), { host: 'queue.lab', port: 6379, db: 0, tls: false, shown: 'redis://queue.lab:6379/0' });
  const secret = parseRedisUrl('rediss://maec:s%40cret@queue.lab:7000');
  assert.ok(typeof secret === 'object');
  assert.equal(secret.tls, true);
  assert.equal(secret.username, 'maec');
  assert.equal(secret.password, 's@cret');
  assert.ok(!secret.shown.includes('cret'), 'the password is not shown');
  for (const [text, message] of [
    ['localhost:6379', /--queue must start with redis:\/\//],
    ['http://host:6379', /--queue must start with redis:\/\//],
    ['redis://host:6379/db1', /the database after the port must be a number/],
    ['redis://host:6379/0?x=1', /takes no query or fragment/],
    ['not a url', /--queue must be a Redis address redis:\/\/HOST:PORT\[\/DB\]/],
  ] as const) {
    const r = parseRedisUrl(text);
    assert.equal(typeof r, 'string', text);
    assert.match(r as string, message);
  }
});

test('job ids: stable for a sweep folder and entry, distinct across folders, entries and stages, and without ":"', () => {
  const [v, c] = entries;
  const ids = [...entryJobIds('/shared/a', v!, [100]), ...entryJobIds('/shared/a', c!, [100]), ...entryJobIds('/shared/b', v!, [100])];
  assert.equal(new Set(ids).size, ids.length);
  assert.equal(ids.length, 3 + 2 + 3);
  for (const id of ids) assert.ok(!id.includes(':'), id);
  assert.equal(stageJobId('/shared/a', v!, 'probe'), entryJobIds('/shared/a', v!, [100])[1]);
  assert.match(stageJobId('/shared/a', v!, 'pretrain'), /^s[0-9a-f]{12}\.mask=0\.5-[0-9a-f]{12}\.pretrain$/);
});

test("an entry's flow is a chain: fine-tuning waits for the probe, the probe for pretraining; each job retried and failing its parent", () => {
  const [v, c] = entries;
  const flow = entryFlow('/shared/a', '/home/u', v!, options, { attempts: 4, backoffMs: 500 });
  const chain: string[] = [];
  for (let f: typeof flow | undefined = flow; f; f = f.children?.[0]) {
    const d = f.data as StageJobData;
    chain.push(d.stage);
    assert.equal(f.queueName, QUEUE_NAME);
    assert.equal(f.opts?.jobId, stageJobId('/shared/a', v!, d.stage));
    assert.equal(f.opts?.attempts, 4);
    assert.deepEqual(f.opts?.backoff, { type: 'exponential', delay: 500 });
    assert.equal(f.opts?.failParentOnFailure, true);
    assert.equal(d.sweepDir, '/shared/a');
    assert.equal(d.last, d.stage === 'finetune');
    assert.ok((f.children?.length ?? 0) <= 1);
  }
  assert.deepEqual(chain, ['finetune', 'probe', 'pretrain']);
  const control = entryFlow('/shared/a', '/home/u', c!, options, { attempts: 1, backoffMs: 0 });
  assert.deepEqual([control.data.stage, control.children?.[0]?.data.stage, control.children?.[0]?.children], ['finetune', 'probe', undefined]);
  // The data survives Redis: JSON in, the same out.
  const back = JSON.parse(JSON.stringify(flow.data)) as StageJobData;
  assert.deepEqual(back.entry, v);
  assert.deepEqual(back.options.budget, options.budget);
});

test("with label protocols a run's flow adds each protocol's probe and fine-tuning after the full-label ones, in the given order; only the last writes result.json", () => {
  const [v] = entries;
  const flow = entryFlow('/shared/a', '/home/u', v!, { ...options, labels: [100, 10] }, { attempts: 1, backoffMs: 0 }, 'mask=0.5 seed 1');
  const chain: string[] = [];
  for (let f: typeof flow | undefined = flow; f; f = f.children?.[0]) {
    chain.push((f.data as StageJobData).stage);
    assert.equal((f.data as StageJobData).last, chain.length === 1);
    assert.match(f.name, /^mask=0\.5 seed 1: /);
  }
  assert.deepEqual(chain, ['finetune-labels10', 'probe-labels10', 'finetune', 'probe', 'pretrain']);
  assert.equal(new Set(entryJobIds('/shared/a', v!, [100, 10])).size, 5);
});

test("a stage's progress is its last step or epoch", () => {
  assert.equal(lastStep('epoch 0.07/4 step 1/60 loss 1.1\nepoch 0.13/4 step 2/60 loss 1.0\n'), 'step 2/60');
  assert.equal(lastStep('epoch 3/10 top-1 0.5\n'), 'epoch 3/10');
  assert.equal(lastStep('loading data\n'), undefined);
});

test('a lock from another host is held while its file is fresh and stale once untouched for STALE_MS; this host still goes by the pid', () => {
  const dir = tempDir();
  const lock = join(dir, '.lock');
  writeFileSync(lock, JSON.stringify({ pid: 1, host: 'elsewhere', command: 'maec pretrain', since: '2026-12-01T00:00:00Z' }));
  assert.equal(lockHolder(dir)?.host, 'elsewhere');
  assert.throws(() => acquireLock(dir, 'run folder r', 'maec pretrain --resume'), (e: unknown) => e instanceof LockError && /is in use by process 1 on elsewhere \(maec pretrain, since/.test(e.message));
  const old = new Date(Date.now() - STALE_MS - 1000);
  utimesSync(lock, old, old);
  assert.equal(lockHolder(dir), undefined);
  const mine = acquireLock(dir, 'run folder r', 'maec pretrain --resume');
  assert.equal(lockHolder(join(dir, 'nowhere')), undefined);
  mine.release();
  assert.ok(!existsSync(lock));
  // Same host, dead pid: stale at once, whatever the file's age.
  writeFileSync(lock, JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname(), command: 'maec pretrain', since: '2026-12-01T00:00:00Z' }));
  assert.equal(lockHolder(dir), undefined);
});

async function run(command: typeof sweepCommand, argv: readonly string[]) {
  const io = bufferIo(ROOT);
  const code = await command.run(argv, io);
  return { code, out: io.stdout.join(''), err: io.stderr.join('') };
}

test('usage errors of sweep --queue and worker exit 2 naming the flag', async () => {
  const cases: [typeof sweepCommand, readonly string[], RegExp][] = [
    [sweepCommand, [FIXTURE, '--data', TINY_DATA, '--queue', 'localhost:6379'], /maec sweep: --queue must start with redis:\/\//],
    [sweepCommand, [FIXTURE, '--data', TINY_DATA, '--queue', 'redis://h', '--workers', '2'], /--workers runs stages here; with --queue each `maec worker` sets its own --concurrency/],
    [sweepCommand, [FIXTURE, '--data', TINY_DATA, '--attempts', '2'], /--attempts needs --queue/],
    [sweepCommand, [FIXTURE, '--data', TINY_DATA, '--queue', 'redis://h', '--attempts', '0'], /--attempts is out of range: must be a positive integer, found 0/],
    [sweepCommand, [FIXTURE, '--data', TINY_DATA, '--queue', 'redis://h', '--retry-delay', 'soon'], /--retry-delay must be a non-negative number, found soon/],
    [workerCommand, [], /maec worker: missing --queue redis:\/\/HOST:PORT\[\/DB\]/],
    [workerCommand, ['--queue', 'redis://h:1/x'], /the database after the port must be a number/],
    [workerCommand, ['--queue', 'redis://h', '--concurrency', '0'], /--concurrency is out of range: must be a positive integer, found 0/],
    [workerCommand, ['--queue', 'redis://h', '--stall-seconds', '1.5'], /--stall-seconds must be a positive integer/],
    [workerCommand, ['--queue', 'redis://h', 'extra'], /unexpected argument extra/],
  ];
  for (const [command, argv, message] of cases) {
    const r = await run(command, argv);
    assert.equal(r.code, 2, argv.join(' '));
    assert.match(r.err, message, argv.join(' '));
  }
  const help = await run(workerCommand, ['--help']);
  assert.equal(help.code, 0);
  assert.match(help.out, /usage: maec worker --queue redis:\/\/HOST:PORT\[\/DB\] \[--concurrency N\]/);
  assert.match((await run(sweepCommand, ['--help'])).out, /--queue URL +redis:\/\/HOST:PORT\[\/DB\]/);
});

test('a sweep whose Redis does not answer exits 1 saying so, and records nothing in its folder', async () => {
  const out = join(tempDir(), 'sweep');
  mkdirSync(out);
  const port = await freePort();
  const r = await run(sweepCommand, [FIXTURE, '--data', TINY_DATA, '--no-control', '--queue', `redis://127.0.0.1:${port}`, '--out', out]);
  assert.equal(r.code, 1, r.err);
  assert.match(r.err, new RegExp(`maec sweep: cannot reach Redis at redis://127\\.0\\.0\\.1:${port}/0: connect ECONNREFUSED`));
  assert.ok(!existsSync(join(out, 'sweep.json')));
  assert.ok(!existsSync(join(out, '.lock')));
});
