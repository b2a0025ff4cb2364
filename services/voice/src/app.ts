import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { FileAgentStore, type AgentStore } from './agents/agent-config';
import type { CallInfo, CallLifecycle } from './calls/call-connection';
import { CallStats } from './calls/call-stats';
import { isLoopback, type VoiceEnv } from './config/env';
import { createStreamAuthenticator } from './http/stream-authenticator';
import { createVoiceServer } from './http/voice-server';
import { createLogger } from './logging/logger';
import type { CallObserver } from './pipeline/call-session';
import type { SpeechSynthesizer } from './pipeline/speech-synthesizer';
import type { LlmProvider } from './providers/llm/llm-provider';
import { OpenAiLlm } from './providers/llm/openai-llm';
import type { SttProvider } from './providers/stt/stt-provider';
import { DeepgramStt } from './providers/stt/deepgram-stt';
import { DeepgramTts } from './providers/tts/deepgram-tts';
import { ElevenLabsTts } from './providers/tts/elevenlabs-tts';
import { ProviderSynthesizer } from './providers/tts/provider-synthesizer';

export interface VoiceService {
  server: Server;
  port: number;
  url: string;
  stats: CallStats;
  logger: Logger;
  /** Stop taking calls, let live ones finish (or hit the deadline), flush, close. */
  drain(deadlineMs: number): Promise<{ forced: number }>;
  close(): Promise<void>;
}

export interface VoiceServiceOverrides {
  logger?: Logger;
  agents?: AgentStore;
  stt?: SttProvider;
  llm?: LlmProvider;
  synth?: SpeechSynthesizer;
  extraRoutes?: Parameters<typeof createVoiceServer>[0]['extraRoutes'];
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
  const agents = overrides.agents ?? (await FileAgentStore.load(env.AGENTS_FILE));
  const stt = overrides.stt ?? new DeepgramStt(required(env.DEEPGRAM_API_KEY, 'DEEPGRAM_API_KEY'), env.DEEPGRAM_URL);
  const llm = overrides.llm ?? new OpenAiLlm(required(env.OPENAI_API_KEY, 'OPENAI_API_KEY'), env.OPENAI_BASE_URL);
  const synth =
    overrides.synth ??
    new ProviderSynthesizer({
      elevenlabs: new ElevenLabsTts(required(env.ELEVENLABS_API_KEY, 'ELEVENLABS_API_KEY'), env.ELEVENLABS_BASE_URL),
      deepgram: new DeepgramTts(required(env.DEEPGRAM_API_KEY, 'DEEPGRAM_API_KEY'), env.DEEPGRAM_URL),
    });

  const authMode = env.STREAM_AUTH_MODE ?? (env.STREAM_SIGNING_KEY || env.STREAM_BASIC_AUTH ? 'required' : 'disabled');
  if (authMode === 'disabled' && !isLoopback(env.HOST)) {
    throw new Error('STREAM_AUTH_MODE=disabled is only allowed when HOST is a loopback address');
  }
  const authenticate = createStreamAuthenticator(env, authMode);

  const stats = new CallStats();
  let draining = false;
  const live = new Set<string>();
  let idleWaiters: Array<() => void> = [];

  const lifecycle: CallLifecycle = {
    started(info: CallInfo): CallObserver {
      live.add(info.callSid);
      stats.activeCalls = live.size;
      stats.count('callsStarted');
      const log = logger.child({ callSid: info.callSid });
      return {
        transcript: () => undefined,
        turnCompleted: (m) => {
          stats.turn(m);
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
      logger.info({ callSid: info.callSid, reason, durationSec: Math.round((Date.now() - info.startedAtMs) / 1000) }, 'call closed');
      if (live.size === 0) {
        for (const w of idleWaiters) w();
        idleWaiters = [];
      }
    },
  };

  const server = createVoiceServer({
    logger,
    agents,
    defaultAgentId: env.DEFAULT_AGENT_ID,
    deps: { stt, llm, synth },
    lifecycle,
    admission: { draining: () => draining, activeCalls: () => live.size, maxCalls: env.MAX_CALLS_PER_TASK },
    authenticate,
    onRejected: (reason) => stats.reject(reason),
    health: async () => ({
      status: draining ? 'draining' : live.size >= env.MAX_CALLS_PER_TASK ? 'overloaded' : 'ok',
      activeCalls: live.size,
      maxCalls: env.MAX_CALLS_PER_TASK,
    }),
    stats: async () => ({
      activeCalls: live.size,
      maxCallsPerTask: env.MAX_CALLS_PER_TASK,
      draining,
      counters: stats.counters,
      rejectedByReason: stats.rejectedByReason,
      turns: stats.turnSummary(),
      memory: { rssBytes: process.memoryUsage.rss() },
    }),
    ...(overrides.extraRoutes ? { extraRoutes: overrides.extraRoutes } : {}),
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(env.PORT, env.HOST, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = env.HOST === '0.0.0.0' ? '127.0.0.1' : env.HOST;
  logger.info({ port, authMode, maxCalls: env.MAX_CALLS_PER_TASK }, 'voice service listening');

  const close = async (): Promise<void> => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  };

  return {
    server,
    port,
    url: `http://${host}:${port}`,
    stats,
    logger,
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
