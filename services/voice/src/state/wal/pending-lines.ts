import type { TranscriptEntry } from '../types';

interface Outstanding {
  entry: TranscriptEntry;
  appendedAtMs: number;
}

/**
 * Lines this instance accepted and the sink has not yet confirmed: the figure behind
 * `pending`/`oldestPendingAgeMs`, and what flushCall waits on. Kept in memory as well as in the
 * log, so a Redis that restarted empty can be refilled.
 */
export class PendingLines {
  /** Insertion-ordered: the first item is always the oldest. */
  private readonly lines = new Map<string, Outstanding>();
  private readonly perCall = new Map<string, number>();
  private readonly waiters = new Map<string, Array<() => void>>();
  private readonly allWaiters: Array<() => void> = [];

  add(entry: TranscriptEntry, nowMs: number): boolean {
    const key = lineKey(entry.callSid, entry.seq);
    if (this.lines.has(key)) return false;
    this.lines.set(key, { entry, appendedAtMs: nowMs });
    this.perCall.set(entry.callSid, (this.perCall.get(entry.callSid) ?? 0) + 1);
    return true;
  }

  /** The sink has these lines; wake whoever waits for their calls. */
  settle(entries: readonly TranscriptEntry[]): void {
    for (const { callSid, seq } of entries) {
      if (!this.lines.delete(lineKey(callSid, seq))) continue;
      const left = (this.perCall.get(callSid) ?? 1) - 1;
      if (left > 0) {
        this.perCall.set(callSid, left);
        continue;
      }
      this.perCall.delete(callSid);
      for (const wake of this.waiters.get(callSid) ?? []) wake();
      this.waiters.delete(callSid);
    }
    if (this.lines.size === 0) for (const wake of this.allWaiters.splice(0)) wake();
  }

  countFor(callSid: string): number {
    return this.perCall.get(callSid) ?? 0;
  }

  get size(): number {
    return this.lines.size;
  }

  oldestAgeMs(nowMs: number): number {
    const first = this.lines.values().next();
    return first.done ? 0 : Math.max(0, nowMs - first.value.appendedAtMs);
  }

  entries(): TranscriptEntry[] {
    return [...this.lines.values()].map((o) => o.entry);
  }

  /** Resolves when the call has nothing pending; rejects after timeoutMs (the lines stay queued). */
  waitForCall(callSid: string, timeoutMs: number): Promise<void> {
    if (this.countFor(callSid) === 0) return Promise.resolve();
    return withTimeout(
      (wake) => {
        const list = this.waiters.get(callSid) ?? [];
        list.push(wake);
        this.waiters.set(callSid, list);
      },
      timeoutMs,
      () => `transcript of ${callSid} not in the sink after ${timeoutMs} ms (${this.countFor(callSid)} lines queued)`,
    );
  }

  waitForAll(timeoutMs: number): Promise<void> {
    if (this.lines.size === 0) return Promise.resolve();
    return withTimeout(
      (wake) => this.allWaiters.push(wake),
      timeoutMs,
      () => `${this.lines.size} transcript lines not in the sink after ${timeoutMs} ms`,
    );
  }
}

function lineKey(callSid: string, seq: number): string {
  return `${callSid}\u0000${seq}`;
}

function withTimeout(register: (wake: () => void) => void, timeoutMs: number, message: () => string): Promise<void> {
  return new Promise((resolve, reject) => {
    let done = false;
    const timer = setTimeout(() => {
      if (done) return;
      done = true;
      reject(new Error(message()));
    }, timeoutMs);
    timer.unref();
    register(() => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve();
    });
  });
}
