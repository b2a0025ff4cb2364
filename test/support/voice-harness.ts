import { startEmulators, type DeepPartial, type EmulatorConfig, type RunningEmulators } from '../../services/emulators/src/index';
import { SimulatedCall, type CallResult, type CallScript } from '../../services/exotel-sim/src/index';
import { FileAgentStore, type AgentConfigInput } from '../../services/voice/src/agents/agent-config';
import { startVoiceService, type VoiceService, type VoiceServiceOverrides } from '../../services/voice/src/app';
import { loadVoiceEnv } from '../../services/voice/src/config/env';
import { createLogger } from '../../services/voice/src/logging/logger';
import { signStreamUrl } from '../../services/shared/src/stream-signature';

/** Fast provider timings so scripted calls finish in seconds; shapes stay realistic. */
export const FAST_EMULATORS: DeepPartial<EmulatorConfig> = {
  deepgramStt: { endpointingProcessingMs: 20, interimIntervalMs: 150 },
  deepgramTts: { ttfbMs: 40, msPerChar: 15, realtimeFactor: 4 },
  elevenlabs: { ttfbMs: 40, msPerChar: 15, realtimeFactor: 4 },
  openai: { ttftMs: 40, tokensPerSecond: 400 },
};

export const TEST_AGENTS: AgentConfigInput[] = [
  { agentId: 'default', greeting: 'Hello! How can I help?', stt: { endpointingMs: 200 } },
  {
    agentId: 'quiet',
    greeting: 'Hello there.',
    stt: { endpointingMs: 200 },
    silence: { repromptAfterMs: 1000, maxReprompts: 1, repromptText: 'Are you there?', goodbyeText: 'Goodbye for now.' },
  },
];

/** The environment that points every provider SDK at the emulators. */
export function providerEnv(emu: RunningEmulators): Record<string, string> {
  return {
    DEEPGRAM_API_KEY: 'test',
    DEEPGRAM_URL: emu.url,
    OPENAI_API_KEY: 'test',
    OPENAI_BASE_URL: `${emu.url}/v1`,
    ELEVENLABS_API_KEY: 'test',
    ELEVENLABS_BASE_URL: emu.url,
  };
}

export interface VoiceHarness {
  emu: RunningEmulators;
  voice: VoiceService;
  wsBase: string;
  call(script: CallScript, opts?: { agent?: string; callSid?: string }): Promise<CallResult>;
  stats(): Promise<Record<string, any>>;
  close(): Promise<void>;
}

export async function startHarness(
  env: Record<string, string> = {},
  emulatorConfig: DeepPartial<EmulatorConfig> = FAST_EMULATORS,
  overrides: VoiceServiceOverrides = {},
  agents: AgentConfigInput[] = TEST_AGENTS,
): Promise<VoiceHarness> {
  const emu = await startEmulators(emulatorConfig);
  const voiceEnv = loadVoiceEnv({
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...providerEnv(emu),
    HOLD_PROMPT_AFTER_MS: '300',
    ...env,
  });
  const voice = await startVoiceService(voiceEnv, {
    agents: FileAgentStore.fromList(agents),
    logger: createLogger(voiceEnv.LOG_LEVEL),
    ...overrides,
  });
  const wsBase = voice.url.replace(/^http/, 'ws');
  let n = 0;
  return {
    emu,
    voice,
    wsBase,
    call: (script, opts = {}) => {
      const callSid = opts.callSid ?? `CA${Date.now().toString(36)}${n++}`;
      const agentId = opts.agent ?? 'default';
      const secret = voiceEnv.STREAM_SIGNING_KEY;
      const url = secret
        ? signStreamUrl(wsBase, { callSid, agentId, expiresAt: Math.floor(Date.now() / 1000) + 60 }, { id: voiceEnv.STREAM_SIGNING_KEY_ID, secret })
        : `${wsBase}/ws/exotel/voice/${callSid}?agent=${agentId}`;
      return new SimulatedCall({
        url,
        callSid,
        script,
      }).run();
    },
    stats: async () => (await (await fetch(`${voice.url}/api/stats`)).json()) as Record<string, any>,
    close: async () => {
      await voice.close();
      await emu.close();
    },
  };
}
