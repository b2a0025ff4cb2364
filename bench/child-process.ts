import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { createInterface } from 'node:readline';

/**
 * The benchmark's processes (voice service, floor, emulators, load generator): each a plain Node
 * process (no npm/tsx wrapper in between), so the pid we read /proc for is the one doing the work.
 */

export interface ChildOptions {
  name: string;
  /** Script and its arguments, after the node flags. */
  args: string[];
  nodeFlags?: string[];
  env?: NodeJS.ProcessEnv;
  /** CPU list for `taskset -c` (e.g. '0'); ignored where taskset or the cores are missing. */
  cpus?: string;
  /** stderr (and stdout unless `onLine` reads it) is appended here. */
  logFile: string;
  /** Receives each stdout line; otherwise stdout goes to the log file. */
  onLine?: (line: string) => void;
  /** Opens a Node IPC channel to the child (the loop probe answers requests on it). */
  ipc?: boolean;
}

export interface RunningChild {
  name: string;
  pid: number;
  exited: Promise<number | null>;
  /**
   * Sends `message` over the IPC channel and resolves with the first reply `parse` accepts, or
   * undefined after `timeoutMs`, without a channel, or when the child exits.
   */
  request<T>(message: unknown, parse: (reply: unknown) => T | undefined, timeoutMs: number): Promise<T | undefined>;
  /** SIGTERM (or the given signal), then SIGKILL after `graceMs`. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
}

export const TS_LOADER_FLAGS = ['--import', 'tsx'];

let tasksetChecked: boolean | undefined;
function tasksetUsable(): boolean {
  if (tasksetChecked === undefined) {
    const probe = spawn('taskset', ['-c', '0', 'true'], { stdio: 'ignore' });
    tasksetChecked = probe.pid !== undefined;
    probe.on('error', () => undefined);
  }
  return tasksetChecked;
}

/** `taskset -c <cpus>` when it exists and the machine has more than one core. */
export function pinningAvailable(): boolean {
  return availableParallelism() > 1 && tasksetUsable();
}

export function startChild(opts: ChildOptions): RunningChild {
  const nodeArgs = [...(opts.nodeFlags ?? []), ...opts.args];
  const pin = opts.cpus !== undefined && pinningAvailable();
  const command = pin ? 'taskset' : process.execPath;
  const args = pin ? ['-c', opts.cpus ?? '0', process.execPath, ...nodeArgs] : nodeArgs;
  // Without a line reader the child writes straight to the log file: no pipe through this process,
  // whose own CPU would otherwise grow with the child's output (the voice service logs each turn).
  const logFd = openSync(opts.logFile, 'a');
  const child: ChildProcess = spawn(command, args, {
    env: { ...process.env, ...opts.env },
    stdio: opts.ipc ? ['ignore', opts.onLine ? 'pipe' : logFd, logFd, 'ipc'] : ['ignore', opts.onLine ? 'pipe' : logFd, logFd],
  });
  // The channel must not keep this process alive after the child is done with.
  child.channel?.unref();
  closeSync(logFd);
  if (child.pid === undefined) throw new Error(`${opts.name} did not start`);
  if (opts.onLine) {
    const onLine = opts.onLine;
    createInterface({ input: child.stdout! }).on('line', (line) => onLine(line));
  }
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
  });
  return {
    name: opts.name,
    pid: child.pid,
    exited,
    request<T>(message: unknown, parse: (reply: unknown) => T | undefined, timeoutMs: number): Promise<T | undefined> {
      if (!child.connected) return Promise.resolve(undefined);
      return new Promise<T | undefined>((resolve) => {
        const done = (value: T | undefined): void => {
          clearTimeout(timer);
          child.off('message', onMessage);
          resolve(value);
        };
        const onMessage = (reply: unknown): void => {
          const value = parse(reply);
          if (value !== undefined) done(value);
        };
        const timer = setTimeout(() => done(undefined), timeoutMs);
        child.on('message', onMessage);
        void exited.then(() => done(undefined));
        child.send(message as object, (err) => {
          if (err) done(undefined);
        });
      });
    },
    async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 5000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Resolves with the first stdout value `parse` accepts, or rejects after `timeoutMs` or on exit. */
export function firstLine<T>(
  subscribe: (listener: (line: string) => void) => void,
  exited: Promise<unknown>,
  parse: (line: string) => T | undefined,
  timeoutMs: number,
  what: string,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what}: not ready after ${timeoutMs} ms`)), timeoutMs);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`${what}: exited before it was ready`));
    });
    subscribe((line) => {
      const value = parse(line);
      if (value !== undefined) {
        clearTimeout(timer);
        resolve(value);
      }
    });
  });
}

/** Polls `url` until it answers 2xx. */
export async function waitForHttp(url: string, timeoutMs: number, exited: Promise<unknown>): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (gone) throw new Error(`${url}: the process exited`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url}: no answer after ${timeoutMs} ms`);
}
