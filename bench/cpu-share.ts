/**
 * How much of the machine's CPU time went to processes other than this one and the children it
 * has waited for, between two samples. The 1-minute load average cannot tell that apart: a
 * benchmark that runs a two-thread step on two cores shows a load of 2 by itself. Linux only
 * (/proc/stat and /proc/self/stat, both in clock ticks); elsewhere `sampleCpu` gives undefined.
 */
import { readFileSync } from 'node:fs';

export type CpuSample = {
  /** ticks the machine's CPUs spent busy (user, nice, system, irq, softirq, steal) */
  busy: number;
  /** all ticks of all CPUs, idle and iowait included */
  total: number;
  /** ticks of this process and of its children it has waited for (utime + stime + cutime + cstime) */
  ours: number;
};

/** The aggregate `cpu` line of /proc/stat: busy and total ticks. */
export function parseProcStat(text: string): { busy: number; total: number } {
  const line = text.split('\n').find((l) => /^cpu\s/.test(l));
  if (line === undefined) throw new Error('/proc/stat: no aggregate "cpu" line');
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  if (f.length < 8 || f.some((x) => !Number.isFinite(x))) throw new Error(`/proc/stat: cannot read the "cpu" line: ${line}`);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = f as [number, number, number, number, number, number, number, number];
  // guest and guest_nice (fields 9 and 10) are already counted in user and nice
  const busy = user + nice + system + irq + softirq + steal;
  return { busy, total: busy + idle + iowait };
}

/** utime + stime + cutime + cstime of /proc/<pid>/stat (fields 14-17; the name in brackets may hold spaces). */
export function parseSelfStat(text: string): number {
  const rest = text.slice(text.lastIndexOf(')') + 1).trim().split(/\s+/);
  // rest[0] is field 3 (state), so field k is rest[k - 3]
  const ticks = [14, 15, 16, 17].map((k) => Number(rest[k - 3]));
  if (ticks.some((x) => !Number.isFinite(x))) throw new Error(`/proc/self/stat: cannot read the CPU times: ${text.trim()}`);
  return ticks.reduce((a, b) => a + b, 0);
}

export function sampleCpu(): CpuSample | undefined {
  try {
    const { busy, total } = parseProcStat(readFileSync('/proc/stat', 'utf8'));
    return { busy, total, ours: parseSelfStat(readFileSync('/proc/self/stat', 'utf8')) };
  } catch {
    return undefined;
  }
}

/**
 * The share (0-1) of all CPUs' time between `a` and `b` that other processes used; undefined
 * without samples or when no tick passed. Ticks are whole, so a short interval reads coarsely.
 */
export function otherShare(a: CpuSample | undefined, b: CpuSample | undefined): number | undefined {
  if (a === undefined || b === undefined) return undefined;
  const total = b.total - a.total;
  if (!(total > 0)) return undefined;
  const other = b.busy - a.busy - (b.ours - a.ours);
  return Math.min(1, Math.max(0, other / total));
}
