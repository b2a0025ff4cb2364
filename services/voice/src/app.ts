import type { Server } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { FileAgentStore, type AgentStore } from './agents/agent-config';
import { CallRecorder } from './calls/call-recorder';
import { createStateLayer, type StateLayer } from './state/state-layer';
import { createPublisherFromEnv } from './observability/cloudwatch-publisher';
import { metricsSnapshotSource, TurnLatencyBuffer } from './observability/metrics-snapshot';
import { createPrometheusRegistry, type VoiceStatsSnapshot } from './observability/prometheus';
import { createTaskProtectionFromEnv } from './lifecycle/task-protection';
import type { CallInfo, CallLifecycle } from './calls/call-connection';
import { CallStats } from './calls/call-stats';
import { isLoopback, type VoiceEnv } from './config/env';
import { createStreamAuthenticator } from './http/stream-authenticator';
import { createVoiceServer } from './http/voice-server';
import { createLogger, logDrops } from './logging/logger';
import type { CallObserver } from './pipeline/call-session';
import type { SpeechSynthesizer } from './pipeline/speech-synthesizer';
import type { LlmProvider } from './providers/llm/llm-provider';
import { OpenAiLlm } from './providers/llm/openai-llm';
import type { SttProvider } from './providers/stt/stt-provider';
import { DeepgramStt } from './providers/stt/deepgram-stt';
import { DeepgramTts } from './providers/tts/deepgram-tts';
import { ElevenLabsTts } from './providers/tts/elevenlabs-tts';
import type { TtsProvider, TtsProviderName } from './providers/tts/tts-provider';
import { closeLimiters, createLimiters } from './capacity/index';
import type { ConcurrencyLimiter } from './capacity/limiter';
import type { ProviderResource } from '../../shared/src/metrics-contract';
import { LimitedLlm } from './resilience/limited-llm';
import { LimitedStt } from './resilience/limited-stt';
import { ProviderBreakers } from './resilience/provider-breakers';
import { ResilientSynthesizer } from './resilience/resilient-synthesizer';
import { TtsCache } from './resilience/tts-cache';
import Redis from 'ioredis';

export interface VoiceService {
  server: Server;
  port: number;
  url: string;
  stats: CallStats;
  logger: Logger;
  limiters: Record<ProviderResource, ConcurrencyLimiter>;
  state: StateLayer;
  breakers: ProviderBreakers;
  cache: TtsCache;
  /** Stop taking calls, let live ones finish (or hit the deadline), flush, close. */
  drain(deadlineMs: number): Promise<{ forced: number }>;
  close(): Promise<void>;
}

export interface VoiceServiceOverrides {
  logger?: Logger;
  agents?: AgentStore;
  /** Raw providers (tests); limits, breakers and failover are still applied around them. */
  stt?: SttProvider;
  llm?: LlmProvider;
  tts?: Record<TtsProviderName, TtsProvider>;
  /** Replaces the whole TTS path (no cache, limits or failover). */
  synth?: SpeechSynthesizer;
  breakerOptions?: ConstructorParameters<typeof ProviderBreakers>[0];
  extraRoutes?: Parameters<typeof createVoiceServer>[0]['extraRoutes'];
}

/** MongoDB when configured, else the local file, else one built-in agent (said in the log). */
async function chooseAgentStore(env: VoiceEnv, state: StateLayer, logger: Logger): Promise<AgentStore> {
  if (state.agents) return state.agents;
  if (existsSync(env.AGENTS_FILE)) return FileAgentStore.load(env.AGENTS_FILE);
  logger.warn({ file: env.AGENTS_FILE }, 'no agents file and no MONGODB_URI: serving the built-in default agent only');
  return FileAgentStore.fromList([{ agentId: env.DEFAULT_AGENT_ID }]);
}

function required(value: string | undefined, name: string): string {
  if (!value) {
    throw new Error(`${name} is not set: set it for the real provider, or use \`npm start\`, which starts local emulators`);
  }
  return value;
}

/** Composition root: builds the service from validated configuration. */
export async function startVoiceService(env: VoiceEnv, overrides: VoiceServiceOverrides = {}): Promise<VoiceService> {
  const logger = overrides.logger ?? createLogger(env.LOG_LEVEL, { env: env.ENVIRONMENT });
  const taskId = env.TASK_ID ?? `${hostname()}-${process.pid}`;
  const state = createStateLayer({
    ...(env.redisUrl ? { redisUrl: env.redisUrl } : {}),
    ...(env.MONGODB_URI ? { mongodbUri: env.MONGODB_URI } : {}),
    dataDir: `${env.DATA_DIR}/calls`,
    taskId,
    batchSize: env.state.TRANSCRIPT_BATCH_SIZE,
    flushMs: env.state.TRANSCRIPT_FLUSH_MS,
    maxBacklog: env.state.TRANSCRIPT_MAX_BACKLOG,
    leaseTtlMs: env.state.SESSION_LEASE_TTL_MS,
    logger,
  });
  const agents = overrides.agents ?? (await chooseAgentStore(env, state, logger));
  const rawStt = overrides.stt ?? new DeepgramStt(required(env.DEEPGRAM_API_KEY, 'DEEPGRAM_API_KEY'), env.DEEPGRAM_URL);
  const rawLlm =
    overrides.llm ?? new OpenAiLlm(required(env.OPENAI_API_KEY, 'OPENAI_API_KEY'), env.OPENAI_BASE_URL, { maxRetries: 0 });
  const tts = overrides.tts ?? {
    elevenlabs: new ElevenLabsTts(required(env.ELEVENLABS_API_KEY, 'ELEVENLABS_API_KEY'), env.ELEVENLABS_BASE_URL),
    deepgram: new DeepgramTts(required(env.DEEPGRAM_API_KEY, 'DEEPGRAM_API_KEY'), env.DEEPGRAM_URL),
  };

  const authMode = env.STREAM_AUTH_MODE ?? (env.STREAM_SIGNING_KEY || env.STREAM_BASIC_AUTH ? 'required' : 'disabled');
  if (authMode === 'disabled' && !isLoopback(env.HOST)) {
    throw new Error('STREAM_AUTH_MODE=disabled is only allowed when HOST is a loopback address');
  }

  // Provider limits are per account: with REDIS_URL every task shares them through Redis.
  const limiters = createLimiters({
    ...env.capacity,
    logger: { warn: (obj: object, msg: string) => logger.warn(obj, msg) },
  });
  const breakers = new ProviderBreakers(overrides.breakerOptions);
  const sharedRedis = env.redisUrl
    ? new Redis(env.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: false })
    : undefined;
  sharedRedis?.on('error', () => undefined); // outages are handled per command
  const cache = new TtsCache(32 * 1024 * 1024, sharedRedis);
  const authenticate = createStreamAuthenticator(env, authMode, sharedRedis);
  const stt = new LimitedStt(rawStt, limiters['deepgram-stt'], breakers, env.STT_QUEUE_TIMEOUT_MS);
  const llm = new LimitedLlm(
    rawLlm,
    limiters['openai-llm'],
    breakers,
    env.LLM_QUEUE_TIMEOUT_MS,
    env.LLM_FIRST_TOKEN_TIMEOUT_MS,
    env.LLM_STALL_TIMEOUT_MS,
  );
  const synth =
    overrides.synth ??
    new ResilientSynthesizer({
      providers: tts,
      limiters: { 'elevenlabs-tts': limiters['elevenlabs-tts'], 'deepgram-tts': limiters['deepgram-tts'] },
      breakers,
      cache,
      queueTimeoutMs: env.TTS_QUEUE_TIMEOUT_MS,
      onFailover: (from, to, reason) => logger.warn({ from, to, reason }, 'tts failover'),
    });


  const stats = new CallStats();
  const recorder = new CallRecorder(state, taskId, logger);
  const turnLatencies = new TurnLatencyBuffer();
  const protection = createTaskProtectionFromEnv(env.source, logger);
  // Event-loop delay is the first sign that one task carries too many calls.
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  let draining = false;
  const live = new Set<string>();
  let idleWaiters: Array<() => void> = [];

  const lifecycle: CallLifecycle = {
    started(info: CallInfo): CallObserver {
      live.add(info.callSid);
      stats.activeCalls = live.size;
      stats.count('callsStarted');
      protection?.update(live.size);
      recorder.started(info);
      const log = logger.child({ callSid: info.callSid });
      return {
        transcript: (speaker, text, interrupted) => recorder.transcript(info.callSid, speaker, text, interrupted),
        turnCompleted: (m) => {
          stats.turn(m);
          if (!m.interrupted) turnLatencies.add(m.turnLatencyMs);
          recorder.turn(info.callSid, m);
          log.info({ turn: m }, 'turn');
        },
        event: (name) => {
          const map = {
            'barge-in': 'bargeIns',
            'stt-reconnected': 'sttReconnects',
            'llm-failed': 'llmFailures',
            'tts-failed': 'ttsFailures',
            reprompt: 'reprompts',
            'hold-prompt': 'holdPrompts',
          } as const;
          stats.count(map[name]);
        },
      };
    },
    ended(info: CallInfo, reason: string, protocolErrors: number): void {
      live.delete(info.callSid);
      stats.activeCalls = live.size;
      stats.count('callsEnded');
      stats.count('protocolErrors', protocolErrors);
      recorder.ended(info.callSid, reason);
      protection?.update(live.size);
      logger.info({ callSid: info.callSid, reason, durationSec: Math.round((Date.now() - info.startedAtMs) / 1000) }, 'call closed');
      if (live.size === 0) {
        for (const w of idleWaiters) w();
        idleWaiters = [];
      }
    },
  };

  const statsJson = async () => {
    const limitStats = await Promise.all(Object.values(limiters).map((l) => l.stats()));
    return {
      activeCalls: live.size,
      maxCallsPerTask: env.MAX_CALLS_PER_TASK,
      draining,
      limits: Object.fromEntries(
        limitStats.map((l) => [
          l.name,
          { inUse: l.inUse, queued: l.queued, limit: l.limit, utilisation: l.limit > 0 ? l.inUse / l.limit : 0, localInUse: l.localInUse, localQueued: l.localQueued, waitMs: l.waitMs, timeouts: l.timeouts, aborts: l.aborts },
        ]),
      ),
      breakers: breakers.states(),
      ttsCache: cache.stats(),
      transcripts: { ...state.transcripts.stats(), storeErrors: recorder.storeErrors },
      storeWritesPerLine: state.transcripts.stats().storeWritesPerLine,
      counters: stats.counters,
      rejectedByReason: stats.rejectedByReason,
      turns: stats.turnSummary(),
      memory: memorySnapshot(),
      logLinesDropped: logDrops.droppedLines,
      eventLoopDelayMs: {
        p50: loopDelay.percentile(50) / 1e6,
        p99: loopDelay.percentile(99) / 1e6,
        max: loopDelay.max / 1e6,
      },
    };
  };
  const prometheus = createPrometheusRegistry(async () => (await statsJson()) as VoiceStatsSnapshot);
  const publisher = createPublisherFromEnv(
    env.source,
    metricsSnapshotSource({
      activeCalls: () => live.size,
      limiters,
      turnLatencies,
      transcriptBacklog: () => state.transcripts.stats().pending,
    }),
    logger,
  );
  publisher?.start();

  const server = createVoiceServer({
    logger,
    agents,
    defaultAgentId: env.DEFAULT_AGENT_ID,
    deps: { stt, llm, synth, holdPromptAfterMs: env.HOLD_PROMPT_AFTER_MS, ttsScheduling: env.TTS_SCHEDULING },
    lifecycle,
    admission: { draining: () => draining, activeCalls: () => live.size, maxCalls: env.MAX_CALLS_PER_TASK },
    authenticate,
    onRejected: (reason) => stats.reject(reason),
    health: async () => ({
      status: draining
        ? 'draining'
        : live.size >= env.MAX_CALLS_PER_TASK
          ? 'overloaded'
          : breakers.anyOpen()
            ? 'degraded'
            : 'ok',
      activeCalls: live.size,
      maxCalls: env.MAX_CALLS_PER_TASK,
      breakers: breakers.states(),
    }),
    stats: statsJson,
    metrics: async () => ({ contentType: prometheus.contentType, body: await prometheus.metrics() }),
    ...(overrides.extraRoutes ? { extraRoutes: overrides.extraRoutes } : {}),
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(env.PORT, env.HOST, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = env.HOST === '0.0.0.0' ? '127.0.0.1' : env.HOST;
  logger.info({ port, authMode, maxCalls: env.MAX_CALLS_PER_TASK }, 'voice service listening');

  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    loopDelay.disable();
    // Calls that were still up have just been closed: write them out before the stores go.
    await recorder.settled();
    await state.close();
    await publisher?.stop({ finalPublish: true, activeCalls: 0 });
    await protection?.close();
    await closeLimiters(limiters);
    sharedRedis?.disconnect();
  };

  return {
    server,
    port,
    url: `http://${host}:${port}`,
    stats,
    logger,
    limiters,
    state,
    breakers,
    cache,
    async drain(deadlineMs: number) {
      draining = true;
      logger.info({ activeCalls: live.size, deadlineMs }, 'draining');
      if (live.size > 0) {
        await Promise.race([
          new Promise<void>((r) => idleWaiters.push(r)),
          new Promise<void>((r) => setTimeout(r, deadlineMs).unref()),
        ]);
      }
      const forced = live.size;
      await close();
      return { forced };
    },
    close,
  };
}

/**
 * Resident memory, the V8 heap in use and the array buffers outside it (audio in flight lives
 * there: Buffers are off-heap), so a reader can add heap and buffers for the live set.
 */
function memorySnapshot(): { rssBytes: number; heapUsedBytes: number; arrayBuffersBytes: number } {
  const m = process.memoryUsage();
  return { rssBytes: m.rss, heapUsedBytes: m.heapUsed, arrayBuffersBytes: m.arrayBuffers };
}
