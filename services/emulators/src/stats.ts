import type { ProviderName } from './faults';

export interface ProviderStats {
  /** Open STT sockets / TTS and LLM requests in flight now. */
  open: number;
  /** Highest `open` ever seen since start or reset. */
  maxConcurrent: number;
  /** Every request or upgrade that reached the provider's route, refused ones included. */
  totalRequests: number;
  /** 429s sent, whether from the concurrency limit or an injected fault. */
  rejected429: number;
  /** 401s sent. */
  rejectedAuth: number;
  faultsInjected: number;
  /** Streams the client abandoned before the emulator finished them. */
  aborted: number;
}

function emptyStats(): ProviderStats {
  return { open: 0, maxConcurrent: 0, totalRequests: 0, rejected429: 0, rejectedAuth: 0, faultsInjected: 0, aborted: 0 };
}

/** Per-provider counters plus the admission check against the concurrency limit. */
export class ProviderCounters {
  private stats = emptyStats();

  constructor(readonly provider: ProviderName) {}

  countRequest(): void {
    this.stats.totalRequests += 1;
  }

  /**
   * Takes a slot when one is free under `limit`. Returns the release function (safe to call more
   * than once, since close, error and abort paths may all fire), or undefined when full.
   */
  tryAcquire(limit: number): (() => void) | undefined {
    if (this.stats.open >= limit) return undefined;
    this.stats.open += 1;
    this.stats.maxConcurrent = Math.max(this.stats.maxConcurrent, this.stats.open);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.stats.open = Math.max(0, this.stats.open - 1);
    };
  }

  count429(): void {
    this.stats.rejected429 += 1;
  }

  countAuthFailure(): void {
    this.stats.rejectedAuth += 1;
  }

  countFault(): void {
    this.stats.faultsInjected += 1;
  }

  countAborted(): void {
    this.stats.aborted += 1;
  }

  snapshot(): ProviderStats {
    return { ...this.stats };
  }

  /** Zeroes the counters but keeps `open`: those streams are still running and will release. */
  reset(): void {
    const open = this.stats.open;
    this.stats = { ...emptyStats(), open, maxConcurrent: open };
  }
}
