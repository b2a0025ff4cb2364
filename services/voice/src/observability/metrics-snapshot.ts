import type { ConcurrencyLimiter, LimiterStats } from '../capacity/limiter';
import { PROVIDER_RESOURCES, type ProviderResource } from '../../../shared/src/metrics-contract';
import type { MetricsSnapshot } from './cloudwatch-publisher';

/**
 * Turn latencies since the last publish. CallStats keeps a rolling window for /api/stats; the
 * publisher needs exactly the turns of each interval, so it drains this buffer instead.
 */
export class TurnLatencyBuffer {
  private samples: number[] = [];
  /** Samples dropped because the buffer was full (a publisher that stopped draining it). */
  dropped = 0;

  constructor(private readonly maxSamples = 20_000) {}

  add(turnLatencyMs: number | undefined): void {
    if (turnLatencyMs === undefined || !Number.isFinite(turnLatencyMs)) return;
    if (this.samples.length >= this.maxSamples) {
      this.dropped++;
      return;
    }
    this.samples.push(turnLatencyMs);
  }

  drain(): number[] {
    const out = this.samples;
    this.samples = [];
    return out;
  }
}

export interface SnapshotSources {
  activeCalls: () => number;
  limiters: Partial<Record<ProviderResource, ConcurrencyLimiter>>;
  turnLatencies: TurnLatencyBuffer;
  transcriptBacklog?: () => number | undefined | Promise<number | undefined>;
  /** A limiter (or backlog) that has not answered by then is left out of this publish. */
  sourceTimeoutMs?: number;
}

/**
 * Builds the publisher's snapshot function from the service's parts. Redis-backed limiter stats
 * can stall during a Redis outage; they are time-bounded and skipped on failure, because
 * ActiveCalls must go out every interval whatever else is broken.
 */
export function metricsSnapshotSource(sources: SnapshotSources): () => Promise<MetricsSnapshot> {
  const timeoutMs = sources.sourceTimeoutMs ?? 2_000;
  return async () => {
    const activeCalls = sources.activeCalls();
    const turnLatenciesMs = sources.turnLatencies.drain();
    const entries = PROVIDER_RESOURCES.flatMap((name) => {
      const limiter = sources.limiters[name];
      return limiter ? [{ name, limiter }] : [];
    });
    const stats = await Promise.all(entries.map(({ limiter }) => within(timeoutMs, () => limiter.stats())));
    const limits: MetricsSnapshot['limits'] = [];
    entries.forEach(({ name }, i) => {
      const s: LimiterStats | undefined = stats[i];
      if (s) limits.push({ name, inUse: s.inUse, queued: s.queued, limit: s.limit, waitP95Ms: s.waitMs.p95 });
    });
    const backlog = sources.transcriptBacklog ? await within(timeoutMs, async () => sources.transcriptBacklog?.()) : undefined;
    return backlog === undefined ? { activeCalls, limits, turnLatenciesMs } : { activeCalls, limits, turnLatenciesMs, transcriptBacklog: backlog };
  };
}

/** The value, or undefined if it failed or took longer than timeoutMs. */
async function within<T>(timeoutMs: number, fn: () => T | Promise<T>): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), timeoutMs);
    timer.unref();
  });
  try {
    return await Promise.race([Promise.resolve().then(fn), timeout]);
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}
