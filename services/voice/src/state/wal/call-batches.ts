import type { TranscriptEntry } from '../types';
import { retryDelayMs, type BatchPolicy } from './batch-policy';

export interface Buffered<Ref> {
  entry: TranscriptEntry;
  /** Where the line came from (a stream id for the Redis log), needed to acknowledge it. */
  ref: Ref;
  receivedAtMs: number;
}

interface CallBuffer<Ref> {
  waiting: Buffered<Ref>[];
  inFlight: Buffered<Ref>[] | undefined;
  failures: number;
  retryAtMs: number;
}

/**
 * Per-call batching decisions: which calls are due for a sink write (size, age, forced), one write
 * in flight per call, and backoff after a failed write. No I/O here; both logs drive it.
 */
export class CallBatches<Ref> {
  private readonly calls = new Map<string, CallBuffer<Ref>>();
  private readonly forced = new Set<string>();
  private forceAll = false;
  private buffered = 0;

  constructor(private readonly policy: BatchPolicy) {}

  add(entry: TranscriptEntry, ref: Ref, nowMs: number): void {
    let call = this.calls.get(entry.callSid);
    if (!call) {
      call = { waiting: [], inFlight: undefined, failures: 0, retryAtMs: 0 };
      this.calls.set(entry.callSid, call);
    }
    call.waiting.push({ entry, ref, receivedAtMs: nowMs });
    this.buffered++;
  }

  /** Write this call's lines at once until unforced, whatever their number or age. */
  force(callSid: string): void {
    this.forced.add(callSid);
  }
  unforce(callSid: string): void {
    this.forced.delete(callSid);
  }
  setForceAll(on: boolean): void {
    this.forceAll = on;
  }

  /**
   * When any call is due (its own size/age rule, or forced), takes the next batch of EVERY call
   * that can write now and marks them in flight: they all go in one store write, so lines of
   * calls that were not due yet ride along for free instead of costing a write of their own.
   */
  takeDue(nowMs: number): Array<{ callSid: string; batch: Buffered<Ref>[] }> {
    let anyDue = false;
    const writable: Array<[string, CallBuffer<Ref>]> = [];
    for (const [callSid, call] of this.calls) {
      const first = call.waiting[0];
      if (call.inFlight || !first || call.retryAtMs > nowMs) continue;
      writable.push([callSid, call]);
      anyDue ||=
        this.forceAll ||
        this.forced.has(callSid) ||
        call.failures > 0 ||
        call.waiting.length >= this.policy.batchSize ||
        nowMs - first.receivedAtMs >= this.policy.flushMs;
    }
    if (!anyDue) return [];
    const due: Array<{ callSid: string; batch: Buffered<Ref>[] }> = [];
    let room = this.policy.maxBatchEntries;
    for (const [callSid, call] of writable) {
      if (room <= 0) break;
      const batch = call.waiting.splice(0, room);
      room -= batch.length;
      call.inFlight = batch;
      due.push({ callSid, batch });
    }
    return due;
  }

  /** The in-flight batch reached the sink. */
  succeeded(callSid: string): void {
    const call = this.calls.get(callSid);
    if (!call?.inFlight) return;
    this.buffered -= call.inFlight.length;
    call.inFlight = undefined;
    call.failures = 0;
    call.retryAtMs = 0;
    if (call.waiting.length === 0) this.calls.delete(callSid);
  }

  /** The in-flight batch failed: put it back in front and wait before the next attempt. */
  failed(callSid: string, nowMs: number): void {
    const call = this.calls.get(callSid);
    if (!call?.inFlight) return;
    call.waiting.unshift(...call.inFlight);
    call.inFlight = undefined;
    call.failures++;
    call.retryAtMs = nowMs + retryDelayMs(call.failures, this.policy);
  }

  /** Lines held in memory (waiting or in flight). */
  get size(): number {
    return this.buffered;
  }

  has(callSid: string, seq: number): boolean {
    const call = this.calls.get(callSid);
    if (!call) return false;
    const match = (b: Buffered<Ref>): boolean => b.entry.seq === seq;
    return call.waiting.some(match) || (call.inFlight?.some(match) ?? false);
  }

  /** Earliest time something may become due (for the memory log's timer). */
  nextDueMs(): number | undefined {
    let next: number | undefined;
    for (const [callSid, call] of this.calls) {
      const first = call.waiting[0];
      if (call.inFlight || !first) continue;
      let at = first.receivedAtMs + this.policy.flushMs;
      if (this.forceAll || this.forced.has(callSid) || call.failures > 0) at = call.retryAtMs;
      next = next === undefined ? at : Math.min(next, at);
    }
    return next;
  }
}
