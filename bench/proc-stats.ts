import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * CPU and memory of another process, read from /proc (Linux only). The benchmark measures each
 * process from outside, so the process under test runs exactly the code it runs in production.
 */

export interface ProcSample {
  /** user + system CPU seconds since the process started. */
  cpuSec: number;
  rssBytes: number;
}

let clockTicksPerSec: number | undefined;

/** USER_HZ: the unit of utime/stime in /proc/<pid>/stat (almost always 100). */
export function clockTicks(): number {
  if (clockTicksPerSec === undefined) {
    try {
      clockTicksPerSec = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicksPerSec = 100;
    }
  }
  return clockTicksPerSec;
}

/**
 * utime + stime in ticks from the text of /proc/<pid>/stat. The command name (field 2) may hold
 * spaces and parentheses, so fields are counted from the last ')'.
 */
export function parseStatCpuTicks(statText: string): number {
  const rest = statText.slice(statText.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state); utime and stime are fields 14 and 15.
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error('unreadable /proc stat line');
  return utime + stime;
}

/** VmRSS from the text of /proc/<pid>/status, in bytes. */
export function parseStatusRssBytes(statusText: string): number {
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(statusText);
  if (!match?.[1]) throw new Error('no VmRSS in /proc status');
  return Number(match[1]) * 1024;
}

/** One reading of a live process; undefined once it has exited. */
export function sampleProcess(pid: number): ProcSample | undefined {
  try {
    const cpuTicks = parseStatCpuTicks(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    const rssBytes = parseStatusRssBytes(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return { cpuSec: cpuTicks / clockTicks(), rssBytes };
  } catch {
    return undefined;
  }
}

export function procfsAvailable(): boolean {
  return sampleProcess(process.pid) !== undefined;
}

export interface CoreTimes {
  busySec: number;
  totalSec: number;
}

/**
 * Busy and total time of each core from the text of /proc/stat (`cpuN user nice system idle
 * iowait irq softirq steal ...`), in seconds. Busy = everything but idle and iowait; guest time is
 * already inside user.
 */
export function parseProcStatCores(text: string): Map<number, CoreTimes> {
  const cores = new Map<number, CoreTimes>();
  for (const line of text.split('\n')) {
    const m = /^cpu(\d+)\s+(.*)$/.exec(line);
    if (!m?.[1] || m[2] === undefined) continue;
    const f = m[2].trim().split(/\s+/).map(Number);
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = f;
    const busy = user + nice + system + irq + softirq + steal;
    cores.set(Number(m[1]), { busySec: busy / clockTicks(), totalSec: (busy + idle + iowait) / clockTicks() });
  }
  return cores;
}

/** Busy seconds of the given cores so far (machine-wide: every process on them). */
export function sampleCoresBusySec(coreIds: readonly number[]): number | undefined {
  try {
    const cores = parseProcStatCores(readFileSync('/proc/stat', 'utf8'));
    let busy = 0;
    for (const id of coreIds) busy += cores.get(id)?.busySec ?? 0;
    return busy;
  } catch {
    return undefined;
  }
}
