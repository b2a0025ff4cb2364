import type { ReplayGuard } from './replay-guard';

export interface MemoryReplayGuardOptions {
  /** Upper bound on remembered keys; protects memory. Default 100,000. */
  maxEntries?: number;
  nowMs?: () => number;
}

/**
 * The embedded default: one process only (a second voice task would not see the claim). Entries
 * expire with their URL; when full, expired entries are swept and then the oldest claims are
 * dropped (those URLs are the closest to expiring; keys are only added after a valid signature,
 * so filling the guard requires genuinely signed URLs).
 */
export class MemoryReplayGuard implements ReplayGuard {
  private readonly expiries = new Map<string, number>();
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(opts: MemoryReplayGuardOptions = {}) {
    this.maxEntries = Math.max(1, opts.maxEntries ?? 100_000);
    this.now = opts.nowMs ?? Date.now;
  }

  get size(): number {
    return this.expiries.size;
  }

  claimOnce(key: string, ttlSec: number): Promise<boolean> {
    const nowMs = this.now();
    const expiresAtMs = this.expiries.get(key);
    if (expiresAtMs !== undefined && expiresAtMs > nowMs) return Promise.resolve(false);
    this.expiries.delete(key);
    if (this.expiries.size >= this.maxEntries) this.makeRoom(nowMs);
    this.expiries.set(key, nowMs + Math.max(1, ttlSec) * 1000);
    return Promise.resolve(true);
  }

  private makeRoom(nowMs: number): void {
    for (const [key, expiresAtMs] of this.expiries) {
      if (expiresAtMs <= nowMs) this.expiries.delete(key);
    }
    // Map iteration is insertion order: the first keys are the oldest claims.
    for (const key of this.expiries.keys()) {
      if (this.expiries.size < this.maxEntries) break;
      this.expiries.delete(key);
    }
  }
}
