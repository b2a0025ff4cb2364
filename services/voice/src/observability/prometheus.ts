import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

/** Percentiles as CallStats and the limiters report them. */
export interface PercentilesSnapshot {
  p50: number;
  p95: number;
  p99: number;
  count?: number;
}

export type BreakerStateName = 'closed' | 'open' | 'half-open' | 'isolated';

/**
 * The shape `GET /api/stats` returns (app.ts), read on every scrape. Fields the exporter does not
 * use are allowed and ignored, so the stats route can grow without breaking /metrics.
 */
export interface VoiceStatsSnapshot {
  activeCalls: number;
  maxCallsPerTask?: number;
  draining?: boolean;
  limits: Record<
    string,
    {
      inUse: number;
      queued: number;
      limit: number;
      utilisation?: number;
      localInUse?: number;
      localQueued?: number;
      waitMs?: PercentilesSnapshot;
      timeouts?: number;
      aborts?: number;
    }
  >;
  breakers: Record<string, BreakerStateName>;
  ttsCache?: { hits: number; misses: number; hitRatio: number; entries: number; bytes: number };
  counters: Record<string, number>;
  rejectedByReason?: Record<string, number>;
  turns?: {
    count: number;
    turnLatencyMs: PercentilesSnapshot;
    overheadMs: PercentilesSnapshot;
    sttEndpointMs?: PercentilesSnapshot;
    llmFirstTokenMs?: PercentilesSnapshot;
    ttsFirstByteMs?: PercentilesSnapshot;
  };
}

export interface PrometheusExporter {
  readonly contentType: string;
  /** Reads one snapshot and renders the text exposition format. */
  metrics(): Promise<string>;
  /** The dedicated registry (tests, or extra metrics from elsewhere). */
  readonly registry: Registry;
}

export const METRIC_PREFIX = 'calling_agent_';

/** Breaker states as numbers a dashboard can threshold: 0 closed, 1 half-open, 2 open. */
const BREAKER_STATE_VALUE: Record<BreakerStateName, number> = { closed: 0, 'half-open': 1, open: 2, isolated: 2 };

const QUANTILES = [
  ['0.5', 'p50'],
  ['0.95', 'p95'],
  ['0.99', 'p99'],
] as const;

/** camelCase stats key → snake_case metric name part; undefined if it would not be a valid name. */
export function snakeCase(key: string): string | undefined {
  const s = key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[-\s]+/g, '_').toLowerCase();
  return /^[a-z][a-z0-9_]*$/.test(s) ? s : undefined;
}

/**
 * A Prometheus exporter over the service's stats. Gauges are filled from one snapshot per scrape
 * (not kept in sync on the hot path), counters mirror CallStats' running totals. A dedicated
 * registry, so tests and several services in one process never collide on metric names.
 */
export function createPrometheusRegistry(snapshot: () => Promise<VoiceStatsSnapshot>): PrometheusExporter {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });
  const registers = [registry];
  const gauge = (name: string, help: string, labelNames: string[] = []): Gauge<string> =>
    new Gauge({ name: METRIC_PREFIX + name, help, labelNames, registers });
  const counter = (name: string, help: string, labelNames: string[] = []): Counter<string> =>
    new Counter({ name: METRIC_PREFIX + name, help, labelNames, registers });

  const activeCalls = gauge('active_calls', 'Calls in progress on this task.');
  const maxCalls = gauge('max_calls_per_task', 'Hard cap on live calls in this task.');
  const draining = gauge('draining', '1 while the task is draining (refusing new calls).');

  const slotsInUse = gauge('provider_slots_in_use', 'Provider slots held (account-wide where Redis-backed).', ['provider']);
  const slotLimit = gauge('provider_slot_limit', 'Provider slot limit (per account).', ['provider']);
  const queueDepth = gauge('provider_queue_depth', 'Waiters for a provider slot (account-wide where Redis-backed).', ['provider']);
  const slotsLocal = gauge('provider_local_slots_in_use', 'Provider slots held by this task.', ['provider']);
  const queueWait = gauge('provider_queue_wait_ms', 'Wait for a provider slot, recent window.', ['provider', 'quantile']);
  const acquireTimeouts = counter('provider_acquire_timeouts_total', 'Slot waits that timed out.', ['provider']);
  const acquireAborts = counter('provider_acquire_aborts_total', 'Slot waits abandoned (caller hung up).', ['provider']);

  const breakerState = gauge('breaker_state', 'Circuit breaker state: 0 closed, 1 half-open, 2 open.', ['breaker']);

  const cacheHitRatio = gauge('tts_cache_hit_ratio', 'TTS cache hits / lookups since start.');
  const cacheEntries = gauge('tts_cache_entries', 'Entries in the local TTS cache.');
  const cacheBytes = gauge('tts_cache_bytes', 'Audio bytes in the local TTS cache.');
  const cacheHits = counter('tts_cache_hits_total', 'TTS cache hits.');
  const cacheMisses = counter('tts_cache_misses_total', 'TTS cache misses.');

  const turnLatency = gauge('turn_latency_ms', 'Caller stops speaking -> first agent audio, recent window.', ['quantile']);
  const turnOverhead = gauge('turn_overhead_ms', 'Turn latency not spent waiting on providers, recent window.', ['quantile']);
  const turnStage = gauge('turn_stage_ms', 'Per-stage turn timings, recent window.', ['stage', 'quantile']);
  const turns = counter('turns_total', 'Completed agent turns.');
  const rejectedByReason = counter('calls_rejected_by_reason_total', 'Refused calls by reason.', ['reason']);

  // One counter per CallStats counter, created on first sight so a new counter needs no change here.
  const mirrored = new Map<string, Counter<string>>();
  const mirror = (key: string): Counter<string> | undefined => {
    const existing = mirrored.get(key);
    if (existing) return existing;
    const name = snakeCase(key);
    if (!name) return undefined;
    const c = counter(`${name}_total`, `CallStats counter ${key}.`);
    mirrored.set(key, c);
    return c;
  };

  const setCounter = (c: Counter<string>, value: number, labels?: Record<string, string>): void => {
    // Totals come from CallStats; a counter can only grow, so re-derive it from the total.
    if (labels) {
      c.remove(labels);
      c.inc(labels, Math.max(0, value));
    } else {
      c.reset();
      c.inc(Math.max(0, value));
    }
  };

  const setQuantiles = (g: Gauge<string>, p: PercentilesSnapshot, labels: Record<string, string> = {}): void => {
    for (const [quantile, key] of QUANTILES) g.set({ ...labels, quantile }, p[key]);
  };

  const fill = (s: VoiceStatsSnapshot): void => {
    activeCalls.set(s.activeCalls);
    if (s.maxCallsPerTask !== undefined) maxCalls.set(s.maxCallsPerTask);
    if (s.draining !== undefined) draining.set(s.draining ? 1 : 0);

    for (const [provider, l] of Object.entries(s.limits)) {
      const labels = { provider };
      slotsInUse.set(labels, l.inUse);
      slotLimit.set(labels, l.limit);
      queueDepth.set(labels, l.queued);
      if (l.localInUse !== undefined) slotsLocal.set(labels, l.localInUse);
      if (l.waitMs) setQuantiles(queueWait, l.waitMs, labels);
      if (l.timeouts !== undefined) setCounter(acquireTimeouts, l.timeouts, labels);
      if (l.aborts !== undefined) setCounter(acquireAborts, l.aborts, labels);
    }

    breakerState.reset(); // a breaker that no longer exists should not linger with an old value
    for (const [breaker, state] of Object.entries(s.breakers)) breakerState.set({ breaker }, BREAKER_STATE_VALUE[state]);

    if (s.ttsCache) {
      cacheHitRatio.set(s.ttsCache.hitRatio);
      cacheEntries.set(s.ttsCache.entries);
      cacheBytes.set(s.ttsCache.bytes);
      setCounter(cacheHits, s.ttsCache.hits);
      setCounter(cacheMisses, s.ttsCache.misses);
    }

    for (const [key, value] of Object.entries(s.counters)) {
      const c = mirror(key);
      if (c) setCounter(c, value);
    }
    for (const [reason, value] of Object.entries(s.rejectedByReason ?? {})) setCounter(rejectedByReason, value, { reason });

    if (s.turns) {
      setCounter(turns, s.turns.count);
      setQuantiles(turnLatency, s.turns.turnLatencyMs);
      setQuantiles(turnOverhead, s.turns.overheadMs);
      const stages = { stt_endpoint: s.turns.sttEndpointMs, llm_first_token: s.turns.llmFirstTokenMs, tts_first_byte: s.turns.ttsFirstByteMs };
      for (const [stage, p] of Object.entries(stages)) if (p) setQuantiles(turnStage, p, { stage });
    }
  };

  // Scrapes are serialised: two overlapping scrapes would interleave reset/inc on the same counters.
  let chain: Promise<unknown> = Promise.resolve();
  const metrics = (): Promise<string> => {
    const run = chain.then(async () => {
      fill(await snapshot());
      return registry.metrics();
    });
    chain = run.catch(() => undefined);
    return run;
  };

  return { contentType: registry.contentType, metrics, registry };
}
