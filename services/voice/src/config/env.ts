import { z } from 'zod';
import { capacityConfigFromEnv, type CapacityConfig } from '../capacity/limits-config';
import { loadStateEnv, type StateEnv } from '../state/state-env';

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));
const int = (def: number, min = 0, max = Number.MAX_SAFE_INTEGER) => z.coerce.number().int().min(min).max(max).default(def);

/**
 * Every environment variable the voice service reads, validated once at start-up. Unset
 * provider keys / stores select the embedded defaults (emulators, in-process limits, file store).
 */
export const voiceEnvSchema = z.object({
  PORT: int(8080, 0, 65535),
  HOST: z.string().default('0.0.0.0'),
  ENVIRONMENT: z.string().regex(/^[a-z0-9-]{1,32}$/).default('local'),
  SERVICE_NAME: z.string().default('voice'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  DEEPGRAM_API_KEY: optionalString,
  DEEPGRAM_URL: optionalString,
  OPENAI_API_KEY: optionalString,
  OPENAI_BASE_URL: optionalString,
  ELEVENLABS_API_KEY: optionalString,
  ELEVENLABS_BASE_URL: optionalString,
  REDIS_URL: optionalString,
  MONGODB_URI: optionalString,

  /** Local agent definitions; unused when MONGODB_URI is set (agents come from MongoDB). */
  AGENTS_FILE: z.string().default('agents.json'),
  /** Names this task in session leases and its transcript log; default host name + pid. */
  TASK_ID: optionalString,
  DEFAULT_AGENT_ID: z.string().default('default'),

  /** Hard cap on live calls in this task; above it the upgrade is refused with 503. */
  MAX_CALLS_PER_TASK: int(400, 1),
  /** required: signed stream URLs (or basic auth when configured); basic: basic auth only; disabled: loopback-only local use. */
  STREAM_AUTH_MODE: z.enum(['required', 'basic', 'disabled']).optional(),
  STREAM_SIGNING_KEY: optionalString,
  STREAM_SIGNING_KEY_ID: z.string().default('env'),
  STREAM_SIGNING_PREVIOUS_KEY: optionalString,
  STREAM_SIGNING_PREVIOUS_KEY_ID: z.string().default('k0'),
  /** `user:password` accepted as HTTP basic auth on the stream URL (Exotel static-URL setups). */
  STREAM_BASIC_AUTH: optionalString,

  DRAIN_DEADLINE_SEC: int(110, 0, 3600),
  METRICS_INTERVAL_SEC: int(60, 5, 3600),
  ECS_AGENT_URI: optionalString,
  DATA_DIR: z.string().default('.data'),
  /** How long a call may wait for a Deepgram stream (hearing the hold prompt) before a polite goodbye. */
  STT_QUEUE_TIMEOUT_MS: int(30_000, 0, 600_000),
  /** Wait for a TTS slot before failing over to the other TTS provider. */
  TTS_QUEUE_TIMEOUT_MS: int(3000, 0, 60_000),
  LLM_QUEUE_TIMEOUT_MS: int(3000, 0, 60_000),
  LLM_FIRST_TOKEN_TIMEOUT_MS: int(4000, 100, 60_000),
  LLM_STALL_TIMEOUT_MS: int(4000, 100, 60_000),
  HOLD_PROMPT_AFTER_MS: int(2500, 0, 60_000),
  /** deadline (default): the call closest to falling silent gets the next TTS slot; fifo: request order. */
  TTS_SCHEDULING: z.enum(['deadline', 'fifo']).default('deadline'),
});

/**
 * Validated settings, plus the provider limits (LIMIT_*) for the capacity layer, the state
 * layer's (TRANSCRIPT_*, SESSION_LEASE_TTL_MS), and the raw environment for the optional AWS
 * integrations that read their own variables (METRICS_PUBLISH, AWS_REGION, ECS_AGENT_URI…).
 */
export type VoiceEnv = z.infer<typeof voiceEnvSchema> & {
  capacity: CapacityConfig;
  state: StateEnv;
  /** REDIS_URL with REDIS_AUTH_TOKEN folded in (ElastiCache injects the token separately). */
  redisUrl: string | undefined;
  source: NodeJS.ProcessEnv;
};

function withAuthToken(url: string | undefined, token: string | undefined): string | undefined {
  if (!url || !token) return url;
  const u = new URL(url);
  if (u.password) return url;
  u.password = encodeURIComponent(token);
  return u.toString();
}

export function loadVoiceEnv(env: NodeJS.ProcessEnv = process.env): VoiceEnv {
  const parsed = voiceEnvSchema.safeParse(env);
  if (!parsed.success) {
    // Name the variable, never echo its value: it may be a secret.
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid voice service configuration: ${problems}`);
  }
  const capacity = capacityConfigFromEnv(env);
  return {
    ...parsed.data,
    capacity,
    state: loadStateEnv(env),
    redisUrl: withAuthToken(capacity.redisUrl, capacity.redisPassword),
    source: env,
  };
}

export function isLoopback(host: string): boolean {
  return host === '127.0.0.1' || host === '::1' || host === 'localhost';
}
