import type { AddressInfo } from 'node:net';
import { WebSocket } from 'ws';
import { type DeepPartial, type EmulatorConfig, applyConfigPatch, defaultEmulatorConfig } from './config';
import type { EmulatorContext } from './context';
import { TranscriptScripts } from './deepgram-stt/transcript-script';
import { FaultBoard, type FaultSpec, PROVIDERS, type ProviderName } from './faults';
import { ChatRequestLog } from './openai/chat-request-log';
import { ReplyPicker } from './openai/reply-text';
import { createEmulatorServer } from './server';
import { ProviderCounters, type ProviderStats } from './stats';

export type { AudioTtsConfig, DeepPartial, DeepgramSttConfig, EmulatorConfig, OpenAiConfig } from './config';
export { defaultEmulatorConfig } from './config';
export type { FaultSpec, ProviderName, StatusFault, StreamFault } from './faults';
export type { ProviderStats } from './stats';
export { speechLikeAudio, silence } from './audio/speech-like-audio';
export type { AudioEncoding, AudioFormat } from './audio/audio-format';

export interface EmulatorStats {
  deepgramStt: ProviderStats;
  deepgramTts: ProviderStats;
  openai: ProviderStats;
  elevenlabs: ProviderStats;
  /** Faults still pending, with the uses left (null = until cleared). */
  faults: Partial<Record<ProviderName, FaultSpec & { remaining: number | null }>>;
  /** The latency knobs in force, so a benchmark can report what it ran against. */
  delays: {
    deepgramStt: { endpointingProcessingMs: number };
    deepgramTts: { ttfbMs: number; msPerChar: number; realtimeFactor: number };
    openai: { ttftMs: number; tokensPerSecond: number };
    elevenlabs: { ttfbMs: number; msPerChar: number; realtimeFactor: number };
  };
  limits: Record<ProviderName, number>;
}

export interface RunningEmulators {
  /** http://127.0.0.1:PORT — base for Deepgram (baseUrl), ElevenLabs (baseUrl), OpenAI (baseURL = url + '/v1'). */
  url: string;
  port: number;
  /** Live: mutations take effect for new requests and connections. */
  config: EmulatorConfig;
  setFault(provider: ProviderName, fault: FaultSpec | null): void;
  setTranscriptScript(tag: string, lines: string[]): void;
  stats(): EmulatorStats;
  /** Recorded chat request bodies, newest last. */
  openaiRequests(): readonly unknown[];
  /** Clears faults, scripts, recorded requests, counters and reply rotation; keeps the config. */
  reset(): void;
  close(): Promise<void>;
}

/** Starts all four provider emulators on one port of 127.0.0.1 (0 or absent = any free port). */
export async function startEmulators(config?: DeepPartial<EmulatorConfig>, port = 0): Promise<RunningEmulators> {
  const liveConfig = applyConfigPatch(defaultEmulatorConfig(), config);
  const counters = Object.fromEntries(PROVIDERS.map((p) => [p, new ProviderCounters(p)])) as Record<ProviderName, ProviderCounters>;
  const ctx: EmulatorContext = {
    config: liveConfig,
    faults: new FaultBoard(),
    counters,
    scripts: new TranscriptScripts(),
    chatLog: new ChatRequestLog(() => liveConfig.openai.recordLimit),
    replies: new ReplyPicker(),
  };

  const stats = (): EmulatorStats => {
    const c = liveConfig;
    return {
      deepgramStt: counters.deepgramStt.snapshot(),
      deepgramTts: counters.deepgramTts.snapshot(),
      openai: counters.openai.snapshot(),
      elevenlabs: counters.elevenlabs.snapshot(),
      faults: ctx.faults.active(),
      delays: {
        deepgramStt: { endpointingProcessingMs: c.deepgramStt.endpointingProcessingMs },
        deepgramTts: { ttfbMs: c.deepgramTts.ttfbMs, msPerChar: c.deepgramTts.msPerChar, realtimeFactor: c.deepgramTts.realtimeFactor },
        openai: { ttftMs: c.openai.ttftMs, tokensPerSecond: c.openai.tokensPerSecond },
        elevenlabs: { ttfbMs: c.elevenlabs.ttfbMs, msPerChar: c.elevenlabs.msPerChar, realtimeFactor: c.elevenlabs.realtimeFactor },
      },
      limits: {
        deepgramStt: c.deepgramStt.limit,
        deepgramTts: c.deepgramTts.limit,
        openai: c.openai.limit,
        elevenlabs: c.elevenlabs.limit,
      },
    };
  };
  const setFault = (provider: ProviderName, fault: FaultSpec | null): void => ctx.faults.set(provider, fault);
  const setTranscriptScript = (tag: string, lines: string[]): void => ctx.scripts.set(tag, lines);
  const openaiRequests = (): readonly unknown[] => ctx.chatLog.all();
  const reset = (): void => {
    ctx.faults.clear();
    ctx.scripts.clear();
    ctx.chatLog.clear();
    ctx.replies.reset();
    for (const p of PROVIDERS) counters[p].reset();
  };

  const { server, wss } = createEmulatorServer(ctx, {
    stats,
    openaiRequests,
    setFault,
    setTranscriptScript,
    reset,
    patchConfig: (patch) => applyConfigPatch(liveConfig, patch),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const boundPort = (server.address() as AddressInfo).port;

  const close = async (): Promise<void> => {
    for (const client of wss.clients) if (client.readyState !== WebSocket.CLOSED) client.terminate();
    wss.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };

  return {
    url: `http://127.0.0.1:${boundPort}`,
    port: boundPort,
    config: liveConfig,
    setFault,
    setTranscriptScript,
    stats,
    openaiRequests,
    reset,
    close,
  };
}
