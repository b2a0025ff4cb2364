import { z } from 'zod';
import { PROVIDER_RESOURCES, type ProviderResource } from '../../../shared/src/metrics-contract';

/**
 * Per-account provider limits. Defaults are the user's plan (Deepgram pay-as-you-go 20 live
 * streams, ElevenLabs Creator 10 concurrent, Deepgram TTS 100, OpenAI 50); current provider docs
 * differ and plans change, so every one is overridable (protocols/providers.md).
 */
export const DEFAULT_LIMITS = {
  'deepgram-stt': 20,
  'elevenlabs-tts': 10,
  'deepgram-tts': 100,
  'openai-llm': 50,
} as const satisfies Record<ProviderResource, number>;

export const LIMIT_ENV_NAMES = {
  'deepgram-stt': 'LIMIT_DEEPGRAM_STT',
  'elevenlabs-tts': 'LIMIT_ELEVENLABS_TTS',
  'deepgram-tts': 'LIMIT_DEEPGRAM_TTS',
  'openai-llm': 'LIMIT_OPENAI_LLM',
} as const satisfies Record<ProviderResource, string>;

const limitValue = z.coerce.number().int().min(1).max(100_000);

function limitFromEnv(value: string | undefined, fallback: number): z.ZodType<number, z.ZodTypeDef, unknown> {
  return z.preprocess((v) => (v === undefined || v === '' ? fallback : v), limitValue);
}

/** Reads LIMIT_* from the environment; a malformed value throws with the variable's name. */
export function limitsFromEnv(env: Record<string, string | undefined>): Record<ProviderResource, number> {
  const shape = {} as Record<ProviderResource, z.ZodType<number, z.ZodTypeDef, unknown>>;
  const input: Record<string, string | undefined> = {};
  for (const resource of PROVIDER_RESOURCES) {
    shape[resource] = limitFromEnv(env[LIMIT_ENV_NAMES[resource]], DEFAULT_LIMITS[resource]);
    input[resource] = env[LIMIT_ENV_NAMES[resource]];
  }
  const parsed = z.object(shape).safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => {
      const resource = String(i.path[0]) as ProviderResource;
      return `${LIMIT_ENV_NAMES[resource] ?? resource}: ${i.message}`;
    });
    throw new Error(`invalid provider limits: ${problems.join('; ')}`);
  }
  return parsed.data;
}

const capacityEnv = z.object({
  REDIS_URL: z.string().url().optional(),
  REDIS_AUTH_TOKEN: z.string().min(1).optional(),
  CAPACITY_LEASE_TTL_MS: z.coerce.number().int().min(300).max(15_000).optional(),
  CAPACITY_KEY_PREFIX: z.string().min(1).optional(),
});

export interface CapacityConfig {
  limits: Record<ProviderResource, number>;
  redisUrl?: string;
  /** ElastiCache AUTH token (REDIS_AUTH_TOKEN), when the URL carries none. Never logged. */
  redisPassword?: string;
  leaseTtlMs?: number;
  keyPrefix?: string;
}

/** The whole createLimiters() config from the environment (no REDIS_URL → in-process). */
export function capacityConfigFromEnv(env: Record<string, string | undefined>): CapacityConfig {
  const blankToUndefined = (v: string | undefined): string | undefined => (v === '' ? undefined : v);
  const e = capacityEnv.parse({
    REDIS_URL: blankToUndefined(env.REDIS_URL),
    REDIS_AUTH_TOKEN: blankToUndefined(env.REDIS_AUTH_TOKEN),
    CAPACITY_LEASE_TTL_MS: blankToUndefined(env.CAPACITY_LEASE_TTL_MS),
    CAPACITY_KEY_PREFIX: blankToUndefined(env.CAPACITY_KEY_PREFIX),
  });
  const config: CapacityConfig = { limits: limitsFromEnv(env) };
  if (e.REDIS_URL !== undefined) config.redisUrl = e.REDIS_URL;
  if (e.REDIS_AUTH_TOKEN !== undefined) config.redisPassword = e.REDIS_AUTH_TOKEN;
  if (e.CAPACITY_LEASE_TTL_MS !== undefined) config.leaseTtlMs = e.CAPACITY_LEASE_TTL_MS;
  if (e.CAPACITY_KEY_PREFIX !== undefined) config.keyPrefix = e.CAPACITY_KEY_PREFIX;
  return config;
}
