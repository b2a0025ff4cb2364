import { z } from 'zod';
import { parseCidrList, type CidrList } from './request/source-ip';

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const envSchema = z
  .object({
    ENVIRONMENT: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/).default('local'),
    RATE_LIMIT_TABLE: optionalText,
    DYNAMODB_ENDPOINT: optionalText.pipe(z.string().url().optional()),
    CALLS_PER_MINUTE: positiveInt(50),
    CALLS_PER_AGENT_PER_MINUTE: positiveInt(20),
    CALLS_PER_CALLER_PER_MINUTE: positiveInt(3),
    /** Bucket size of the sliding window; must divide 60. */
    RATE_LIMIT_BUCKET_SECONDS: z.coerce
      .number()
      .int()
      .positive()
      .refine((s) => 60 % s === 0, 'must divide 60')
      .default(10),
    RATE_LIMIT_FAIL_MODE: z.enum(['open', 'closed']).default('closed'),
    TRUSTED_CIDRS: z.string().default(''),
    /** Proxies in front of the ALB (e.g. a CDN) whose X-Forwarded-For hops are skipped. */
    FORWARDING_PROXY_CIDRS: z.string().default(''),
    STREAM_SIGNING_KEY: optionalText,
    STREAM_SIGNING_SECRET_ARN: optionalText,
    SIGNING_KEY_CACHE_SECONDS: positiveInt(300),
    STREAM_BASE_URL: z
      .string()
      .url()
      .refine((u) => /^wss?:\/\//.test(u), 'must be a ws:// or wss:// URL'),
    STREAM_URL_TTL_SECONDS: positiveInt(60),
    STREAM_URL_FIELD: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,31}$/).default('url'),
    DEFAULT_AGENT_ID: optionalText.pipe(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional()),
    /** Country code for national numbers (Exotel sends `0XXXXXXXXXX` for Indian numbers). */
    DEFAULT_COUNTRY_CODE: z.string().regex(/^[1-9]\d{0,2}$/).default('91'),
    AWS_REGION: optionalText,
  })
  .refine((e) => e.STREAM_SIGNING_KEY !== undefined || e.STREAM_SIGNING_SECRET_ARN !== undefined, {
    message: 'set STREAM_SIGNING_KEY (local) or STREAM_SIGNING_SECRET_ARN',
    path: ['STREAM_SIGNING_KEY'],
  })
  .refine((e) => e.DYNAMODB_ENDPOINT === undefined || e.RATE_LIMIT_TABLE !== undefined, {
    message: 'DYNAMODB_ENDPOINT needs RATE_LIMIT_TABLE',
    path: ['RATE_LIMIT_TABLE'],
  });

export interface WebhookConfig {
  environment: string;
  rateLimitTable?: string;
  dynamoDbEndpoint?: string;
  awsRegion?: string;
  limits: { callsPerMinute: number; callsPerAgentPerMinute: number; callsPerCallerPerMinute: number };
  bucketSeconds: number;
  failMode: 'open' | 'closed';
  trustedSources: CidrList;
  forwardingProxies: CidrList;
  signing: { staticKey?: string; secretArn?: string; cacheTtlMs: number };
  streamBaseUrl: string;
  streamUrlTtlSeconds: number;
  streamUrlField: string;
  defaultAgentId?: string;
  defaultCountryCode: string;
}

/**
 * Reads and validates the environment once (cold start). The error lists the offending
 * variables by name, never their values (one of them may be a key).
 */
export function loadWebhookConfig(env: NodeJS.ProcessEnv = process.env): WebhookConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`webhook configuration invalid: ${problems}`);
  }
  const e = parsed.data;
  const config: WebhookConfig = {
    environment: e.ENVIRONMENT,
    limits: {
      callsPerMinute: e.CALLS_PER_MINUTE,
      callsPerAgentPerMinute: e.CALLS_PER_AGENT_PER_MINUTE,
      callsPerCallerPerMinute: e.CALLS_PER_CALLER_PER_MINUTE,
    },
    bucketSeconds: e.RATE_LIMIT_BUCKET_SECONDS,
    failMode: e.RATE_LIMIT_FAIL_MODE,
    trustedSources: parseCidrList(e.TRUSTED_CIDRS, 'TRUSTED_CIDRS'),
    forwardingProxies: parseCidrList(e.FORWARDING_PROXY_CIDRS, 'FORWARDING_PROXY_CIDRS'),
    signing: { cacheTtlMs: e.SIGNING_KEY_CACHE_SECONDS * 1000 },
    streamBaseUrl: e.STREAM_BASE_URL.replace(/\/+$/, ''),
    streamUrlTtlSeconds: e.STREAM_URL_TTL_SECONDS,
    streamUrlField: e.STREAM_URL_FIELD,
    defaultCountryCode: e.DEFAULT_COUNTRY_CODE,
  };
  if (e.RATE_LIMIT_TABLE) config.rateLimitTable = e.RATE_LIMIT_TABLE;
  if (e.DYNAMODB_ENDPOINT) config.dynamoDbEndpoint = e.DYNAMODB_ENDPOINT;
  if (e.AWS_REGION) config.awsRegion = e.AWS_REGION;
  if (e.STREAM_SIGNING_KEY) config.signing.staticKey = e.STREAM_SIGNING_KEY;
  if (e.STREAM_SIGNING_SECRET_ARN) config.signing.secretArn = e.STREAM_SIGNING_SECRET_ARN;
  if (e.DEFAULT_AGENT_ID) config.defaultAgentId = e.DEFAULT_AGENT_ID;
  return config;
}
