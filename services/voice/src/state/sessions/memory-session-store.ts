import { SessionOwnershipLostError, type CallSession, type SessionStore } from '../types';

export interface MemorySessionStoreOptions {
  /** A session nobody saves or renews disappears after this long. */
  sessionTtlMs?: number;
  now?: () => number;
}

interface Held {
  session: CallSession;
  expiresAtMs: number;
  leaseExpiresAtMs: number;
}

/** The embedded default: one process owns every call, so a Map with expiry times is enough. */
export class MemorySessionStore implements SessionStore {
  private readonly held = new Map<string, Held>();
  private readonly sessionTtlMs: number;
  private readonly now: () => number;

  constructor(options: MemorySessionStoreOptions = {}) {
    this.sessionTtlMs = options.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS;
    this.now = options.now ?? Date.now;
  }

  async create(s: CallSession, leaseTtlMs: number): Promise<void> {
    const now = this.now();
    this.held.set(s.callSid, {
      session: structuredClone(s),
      expiresAtMs: now + this.sessionTtlMs,
      leaseExpiresAtMs: now + leaseTtlMs,
    });
  }

  async save(s: CallSession): Promise<void> {
    const h = this.live(s.callSid);
    // Gone (reaped and deleted) or taken over: the caller no longer owns this call.
    if (!h || h.session.ownerTaskId !== s.ownerTaskId) {
      throw new SessionOwnershipLostError(s.callSid, s.ownerTaskId);
    }
    const now = this.now();
    this.held.set(s.callSid, {
      session: structuredClone(s),
      expiresAtMs: now + this.sessionTtlMs,
      leaseExpiresAtMs: h.leaseExpiresAtMs,
    });
  }

  async get(callSid: string): Promise<CallSession | null> {
    const h = this.live(callSid);
    return h ? structuredClone(h.session) : null;
  }

  async renewLeases(taskId: string, callSids: string[], leaseTtlMs: number): Promise<void> {
    const now = this.now();
    for (const callSid of callSids) {
      const h = this.live(callSid);
      if (!h || h.session.ownerTaskId !== taskId) continue;
      h.leaseExpiresAtMs = now + leaseTtlMs;
      h.expiresAtMs = Math.max(h.expiresAtMs, now + this.sessionTtlMs);
    }
  }

  async expiredLeases(now: number, limit: number): Promise<CallSession[]> {
    const expired: Held[] = [];
    for (const [callSid] of this.held) {
      const h = this.live(callSid);
      if (h && h.leaseExpiresAtMs <= now) expired.push(h);
    }
    expired.sort((a, b) => a.leaseExpiresAtMs - b.leaseExpiresAtMs);
    return expired.slice(0, limit).map((h) => structuredClone(h.session));
  }

  async claim(callSid: string, taskId: string, leaseTtlMs: number): Promise<boolean> {
    const h = this.live(callSid);
    const now = this.now();
    if (!h || h.leaseExpiresAtMs > now) return false;
    h.session.ownerTaskId = taskId;
    h.leaseExpiresAtMs = now + leaseTtlMs;
    return true;
  }

  async delete(callSid: string): Promise<void> {
    this.held.delete(callSid);
  }

  async close(): Promise<void> {
    this.held.clear();
  }

  private live(callSid: string): Held | undefined {
    const h = this.held.get(callSid);
    if (h && h.expiresAtMs <= this.now()) {
      this.held.delete(callSid);
      return undefined;
    }
    return h;
  }
}

/** Longer than any call; only a safety net for sessions nobody deletes. */
export const DEFAULT_SESSION_TTL_MS = 4 * 60 * 60 * 1000;
