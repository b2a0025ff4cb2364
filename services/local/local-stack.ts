import type { Logger } from 'pino';
import { startEmulators, type DeepPartial, type EmulatorConfig, type RunningEmulators } from '../emulators/src/index';
import { startVoiceService, type VoiceService, type VoiceServiceOverrides } from '../voice/src/app';
import { loadVoiceEnv, type VoiceEnv } from '../voice/src/config/env';
import { createLocalWebhook } from '../webhook/src/local-server';
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface LocalStack {
  voice: VoiceService;
  emulators: RunningEmulators | undefined;
  env: VoiceEnv;
  close(): Promise<void>;
}

export interface LocalStackOptions {
  env?: NodeJS.ProcessEnv;
  emulatorConfig?: DeepPartial<EmulatorConfig>;
  overrides?: VoiceServiceOverrides;
  log?: (msg: string) => void;
}

/**
 * Local mode: the voice service on embedded defaults. Providers without an API key in the
 * environment are served by the local emulators (said in the log); with keys, the real ones.
 */
export async function startLocalStack(opts: LocalStackOptions = {}): Promise<LocalStack> {
  const env: NodeJS.ProcessEnv = { HOST: '127.0.0.1', ...(opts.env ?? process.env) };
  const log = opts.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  const missing = ['DEEPGRAM_API_KEY', 'OPENAI_API_KEY', 'ELEVENLABS_API_KEY'].filter((k) => !env[k]);
  let emulators: RunningEmulators | undefined;
  if (missing.length > 0) {
    emulators = await startEmulators(opts.emulatorConfig ?? {});
    log(`no ${missing.join(', ')}: using the local provider emulators at ${emulators.url}`);
    if (!env.DEEPGRAM_API_KEY) Object.assign(env, { DEEPGRAM_API_KEY: 'local-emulator', DEEPGRAM_URL: emulators.url });
    if (!env.OPENAI_API_KEY) Object.assign(env, { OPENAI_API_KEY: 'local-emulator', OPENAI_BASE_URL: `${emulators.url}/v1` });
    if (!env.ELEVENLABS_API_KEY) Object.assign(env, { ELEVENLABS_API_KEY: 'local-emulator', ELEVENLABS_BASE_URL: emulators.url });
    // Our account-wide limits must match what the (emulated) accounts enforce, or the
    // provider answers 429 before our queue does.
    const limits = emulators.config;
    env.LIMIT_DEEPGRAM_STT ??= String(limits.deepgramStt.limit);
    env.LIMIT_DEEPGRAM_TTS ??= String(limits.deepgramTts.limit);
    env.LIMIT_ELEVENLABS_TTS ??= String(limits.elevenlabs.limit);
    env.LIMIT_OPENAI_LLM ??= String(limits.openai.limit);
  }
  const voiceEnv = loadVoiceEnv(env);
  // The webhook (Exotel's dynamic-URL endpoint) is served by the same local server at
  // /exotel/*. It needs the stream base URL, known once the server listens (PORT may be 0).
  let webhook: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  let streamBase = '';
  const webhookEnv: NodeJS.ProcessEnv = {
    ...env,
    // Without a configured key the local webhook still signs, with a key that lives as long as
    // the process (the loopback-only voice service does not require signatures then).
    STREAM_SIGNING_KEY: env.STREAM_SIGNING_KEY ?? randomBytes(32).toString('hex'),
    DEFAULT_AGENT_ID: env.DEFAULT_AGENT_ID ?? 'default',
  };
  const extraRoutes = (req: IncomingMessage, res: ServerResponse): boolean => {
    if (!(req.url ?? '').startsWith('/exotel/')) return false;
    webhook ??= createLocalWebhook({ env: { ...webhookEnv, STREAM_BASE_URL: env.STREAM_BASE_URL ?? streamBase } });
    webhook(req, res);
    return true;
  };
  let voice: VoiceService;
  try {
    voice = await startVoiceService(voiceEnv, { extraRoutes, ...(opts.overrides ?? {}) });
    streamBase = voice.url.replace(/^http/, 'ws');
  } catch (err) {
    await emulators?.close();
    throw err;
  }
  return {
    voice,
    emulators,
    env: voiceEnv,
    async close() {
      await voice.close();
      await emulators?.close();
    },
  };
}

export type { Logger };
