import { readFileSync } from 'node:fs';

export interface ProcMemory {
  /** VmHWM: the highest resident set size the process has had. */
  peakRssBytes: number;
  /** VmRSS: the resident set size now. */
  rssBytes: number;
}

/** Linux fixes the clock-tick unit of /proc/<pid>/stat (USER_HZ) at 100 on the architectures we run on. */
const USER_HZ = 100;

function statusKb(status: string, field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status);
  if (!match) throw new Error(`/proc status has no ${field}`);
  return Number(match[1]) * 1024;
}

export function readProcMemory(pid: number): ProcMemory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return { peakRssBytes: statusKb(status, 'VmHWM'), rssBytes: statusKb(status, 'VmRSS') };
}

/** User plus system CPU time the process has used so far, in ms (10 ms resolution). */
export function readProcCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces and parentheses: count fields from the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error(`unexpected /proc/${pid}/stat`);
  return ((utime + stime) * 1000) / USER_HZ;
}

export interface MachineCpu {
  busyMs: number;
  totalMs: number;
}

/** CPU time of all cores since boot, from /proc/stat: busy (everything but idle and iowait) and total. */
export function readMachineCpu(): MachineCpu {
  const line = readFileSync('/proc/stat', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('cpu '));
  if (!line) throw new Error('/proc/stat has no cpu line');
  // user nice system idle iowait irq softirq steal (guest time is already inside user and nice).
  const ticks = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = ticks.reduce((a, b) => a + b, 0);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  return { busyMs: ((total - idle) * 1000) / USER_HZ, totalMs: (total * 1000) / USER_HZ };
}
