import { createPrometheusRegistry, snakeCase, type VoiceStatsSnapshot } from '../../services/voice/src/observability/prometheus';

const pct = (p50: number, p95: number, p99: number, count = 10) => ({ p50, p95, p99, count });

function statsSnapshot(overrides: Partial<VoiceStatsSnapshot> = {}): VoiceStatsSnapshot {
  return {
    activeCalls: 12,
    maxCallsPerTask: 400,
    draining: false,
    limits: {
      'deepgram-stt': { inUse: 11, queued: 2, limit: 100, utilisation: 0.11, localInUse: 5, localQueued: 1, waitMs: pct(4, 250, 900), timeouts: 3, aborts: 1 },
      'openai-llm': { inUse: 4, queued: 0, limit: 500, utilisation: 0.008, localInUse: 4, localQueued: 0, waitMs: pct(0, 1, 2), timeouts: 0, aborts: 0 },
    },
    breakers: { 'deepgram-stt': 'closed', 'elevenlabs-tts': 'open', 'openai-llm': 'half-open' },
    ttsCache: { hits: 30, misses: 10, hitRatio: 0.75, entries: 25, bytes: 123456 },
    counters: { callsStarted: 40, callsEnded: 28, callsRejected: 2, bargeIns: 7, llmFailures: 1, ttsFailures: 0 },
    rejectedByReason: { 'at-capacity': 2 },
    turns: {
      count: 90,
      turnLatencyMs: pct(640, 980, 1400),
      overheadMs: pct(35, 80, 120),
      sttEndpointMs: pct(200, 300, 400),
      llmFirstTokenMs: pct(250, 500, 700),
      ttsFirstByteMs: pct(120, 200, 260),
    },
    ...overrides,
  };
}

/** The value of one sample line, e.g. `calling_agent_breaker_state{breaker="elevenlabs-tts"}`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('Prometheus exporter', () => {
  it('renders gauges and counters from the stats snapshot of each scrape', async () => {
    const exporter = createPrometheusRegistry(async () => statsSnapshot());
    const text = await exporter.metrics();

    expect(exporter.contentType).toMatch(/^text\/plain/);
    expect(sample(text, 'calling_agent_active_calls')).toBe(12);
    expect(sample(text, 'calling_agent_max_calls_per_task')).toBe(400);
    expect(sample(text, 'calling_agent_draining')).toBe(0);
    expect(sample(text, 'calling_agent_provider_slots_in_use{provider="deepgram-stt"}')).toBe(11);
    expect(sample(text, 'calling_agent_provider_slot_limit{provider="openai-llm"}')).toBe(500);
    expect(sample(text, 'calling_agent_provider_queue_depth{provider="deepgram-stt"}')).toBe(2);
    expect(sample(text, 'calling_agent_provider_local_slots_in_use{provider="deepgram-stt"}')).toBe(5);
    expect(sample(text, 'calling_agent_provider_queue_wait_ms{provider="deepgram-stt",quantile="0.95"}')).toBe(250);
    expect(sample(text, 'calling_agent_provider_acquire_timeouts_total{provider="deepgram-stt"}')).toBe(3);
    expect(sample(text, 'calling_agent_breaker_state{breaker="deepgram-stt"}')).toBe(0);
    expect(sample(text, 'calling_agent_breaker_state{breaker="openai-llm"}')).toBe(1);
    expect(sample(text, 'calling_agent_breaker_state{breaker="elevenlabs-tts"}')).toBe(2);
    expect(sample(text, 'calling_agent_tts_cache_hit_ratio')).toBe(0.75);
    expect(sample(text, 'calling_agent_tts_cache_hits_total')).toBe(30);
    expect(sample(text, 'calling_agent_calls_started_total')).toBe(40);
    expect(sample(text, 'calling_agent_calls_ended_total')).toBe(28);
    expect(sample(text, 'calling_agent_calls_rejected_total')).toBe(2);
    expect(sample(text, 'calling_agent_barge_ins_total')).toBe(7);
    expect(sample(text, 'calling_agent_llm_failures_total')).toBe(1);
    expect(sample(text, 'calling_agent_calls_rejected_by_reason_total{reason="at-capacity"}')).toBe(2);
    expect(sample(text, 'calling_agent_turns_total')).toBe(90);
    expect(sample(text, 'calling_agent_turn_latency_ms{quantile="0.5"}')).toBe(640);
    expect(sample(text, 'calling_agent_turn_latency_ms{quantile="0.99"}')).toBe(1400);
    expect(sample(text, 'calling_agent_turn_overhead_ms{quantile="0.95"}')).toBe(80);
    expect(sample(text, 'calling_agent_turn_stage_ms{stage="llm_first_token",quantile="0.95"}')).toBe(500);
    expect(text).toContain('# TYPE calling_agent_calls_started_total counter');
    expect(text).toContain('# TYPE calling_agent_active_calls gauge');
  });

  it('includes default process metrics under the calling_agent_ prefix', async () => {
    const text = await createPrometheusRegistry(async () => statsSnapshot()).metrics();
    expect(text).toMatch(/^calling_agent_process_cpu_user_seconds_total \d/m);
    expect(text).toMatch(/^calling_agent_nodejs_heap_size_used_bytes \d/m);
  });

  it('follows the stats between scrapes: counters track the totals, breakers that vanished go away', async () => {
    let snap = statsSnapshot();
    const exporter = createPrometheusRegistry(async () => snap);
    await exporter.metrics();
    snap = statsSnapshot({
      activeCalls: 0,
      breakers: { 'deepgram-stt': 'closed' },
      counters: { callsStarted: 41, callsEnded: 41, callsRejected: 2, bargeIns: 7, llmFailures: 1, ttsFailures: 0 },
    });
    const text = await exporter.metrics();
    expect(sample(text, 'calling_agent_active_calls')).toBe(0);
    expect(sample(text, 'calling_agent_calls_started_total')).toBe(41);
    expect(sample(text, 'calling_agent_calls_ended_total')).toBe(41);
    expect(sample(text, 'calling_agent_breaker_state{breaker="elevenlabs-tts"}')).toBeUndefined();
  });

  it('uses its own registry: two exporters in one process do not collide', async () => {
    const a = createPrometheusRegistry(async () => statsSnapshot({ activeCalls: 1 }));
    const b = createPrometheusRegistry(async () => statsSnapshot({ activeCalls: 2 }));
    expect(sample(await a.metrics(), 'calling_agent_active_calls')).toBe(1);
    expect(sample(await b.metrics(), 'calling_agent_active_calls')).toBe(2);
  });

  it('a failing snapshot rejects that scrape only', async () => {
    let fail = true;
    const exporter = createPrometheusRegistry(async () => {
      if (fail) throw new Error('stats unavailable');
      return statsSnapshot();
    });
    await expect(exporter.metrics()).rejects.toThrow('stats unavailable');
    fail = false;
    expect(sample(await exporter.metrics(), 'calling_agent_active_calls')).toBe(12);
  });

  it('turns stats keys into metric names, refusing ones that would not be valid', () => {
    expect(snakeCase('callsStarted')).toBe('calls_started');
    expect(snakeCase('sttReconnects')).toBe('stt_reconnects');
    expect(snakeCase('9lives')).toBeUndefined();
    expect(snakeCase('bad{name}')).toBeUndefined();
  });
});
