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
