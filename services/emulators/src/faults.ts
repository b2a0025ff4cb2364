/**
 * Fault injection: one pending fault per provider, applied to the next `count` requests
 * (or every request until cleared when `count` is absent).
 */

export const PROVIDERS = ['deepgramStt', 'deepgramTts', 'openai', 'elevenlabs'] as const;
export type ProviderName = (typeof PROVIDERS)[number];

/** Refuse the request / WebSocket upgrade with this status. */
export interface StatusFault {
  kind: '429' | '5xx';
  /** For '5xx' (default 503). */
  status?: number;
  count?: number;
}

/**
 * Mid-stream faults. `disconnect` destroys the socket (WS terminated), `stall` stops sending and
 * keeps the connection open, `malformed` sends a non-JSON text frame / a broken SSE line /
 * an odd-length audio chunk. They trigger after `afterMs` since the stream began or after
 * `afterBytes` of payload (audio received for STT, bytes sent otherwise), whichever comes first;
 * with neither set they trigger at once.
 */
export interface StreamFault {
  kind: 'disconnect' | 'stall' | 'malformed';
  afterMs?: number;
  afterBytes?: number;
  count?: number;
}

export type FaultSpec = StatusFault | StreamFault;

export function isStatusFault(fault: FaultSpec): fault is StatusFault {
  return fault.kind === '429' || fault.kind === '5xx';
}

export class FaultBoard {
  private readonly pending = new Map<ProviderName, { fault: FaultSpec; remaining: number }>();

  set(provider: ProviderName, fault: FaultSpec | null): void {
    if (fault === null) {
      this.pending.delete(provider);
      return;
    }
    this.pending.set(provider, { fault, remaining: fault.count ?? Number.POSITIVE_INFINITY });
  }

  /** The status fault for this request, consuming one use; undefined when none applies. */
  takeStatusFault(provider: ProviderName): StatusFault | undefined {
    const entry = this.pending.get(provider);
    if (entry === undefined || !isStatusFault(entry.fault)) return undefined;
    this.consume(provider, entry);
    return entry.fault;
  }

  /** The stream fault for an admitted request, consuming one use; undefined when none applies. */
  takeStreamFault(provider: ProviderName): StreamFault | undefined {
    const entry = this.pending.get(provider);
    if (entry === undefined || isStatusFault(entry.fault)) return undefined;
    this.consume(provider, entry);
    return entry.fault;
  }

  active(): Partial<Record<ProviderName, FaultSpec & { remaining: number | null }>> {
    const out: Partial<Record<ProviderName, FaultSpec & { remaining: number | null }>> = {};
    for (const [provider, entry] of this.pending) {
      out[provider] = { ...entry.fault, remaining: Number.isFinite(entry.remaining) ? entry.remaining : null };
    }
    return out;
  }

  clear(): void {
    this.pending.clear();
  }

  private consume(provider: ProviderName, entry: { remaining: number }): void {
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.pending.delete(provider);
  }
}
