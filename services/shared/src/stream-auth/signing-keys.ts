import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import type { SigningKey } from '../stream-signature';

/**
 * Where the stream-URL signing keys come from. The webhook signs with `current`; verifiers accept
 * every key in `valid` (current and, during a rotation, previous).
 */
export interface SigningKeySet {
  current: SigningKey;
  valid: readonly SigningKey[];
}

export interface SigningKeyProvider {
  getKeys(): Promise<SigningKeySet>;
}

/** Short secrets are guessable offline from one signed URL; 32 characters is ~128+ bits of hex/base64. */
export const MIN_SIGNING_SECRET_CHARS = 32;

const signingKeySchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9._-]{1,32}$/, 'key id: 1-32 of [A-Za-z0-9._-]'),
  secret: z.string().min(MIN_SIGNING_SECRET_CHARS),
});

/**
 * The Secrets Manager secret's JSON shape:
 * `{"current":{"id":"2024-06","secret":"..."},"previous":{"id":"2024-05","secret":"..."}}`.
 * `previous` is optional; rotation = move current to previous, write a new current, and after the
 * longest stream-URL TTL plus the cache TTL has passed, drop previous.
 */
export const signingSecretSchema = z
  .object({ current: signingKeySchema, previous: signingKeySchema.optional() })
  .refine((s) => !s.previous || s.previous.id !== s.current.id, 'previous.id must differ from current.id');

export type SigningSecret = z.infer<typeof signingSecretSchema>;

export function keySetFromSecret(secret: SigningSecret): SigningKeySet {
  return { current: secret.current, valid: secret.previous ? [secret.current, secret.previous] : [secret.current] };
}

/** The key id a bare (non-JSON) secret gets, in the webhook and the voice service alike. */
export const BARE_SECRET_KEY_ID = 'env';

/**
 * Parses the secret: the JSON shape above, or a bare secret string (what the CDK stack generates
 * before anyone rotates), which becomes the only key with id `env`. Errors never contain the text.
 */
export function parseSigningSecret(text: string): SigningKeySet {
  if (!text.trim().startsWith('{')) {
    const bare = signingSecretSchema.safeParse({ current: { id: BARE_SECRET_KEY_ID, secret: text.trim() } });
    if (!bare.success) throw new Error('signing secret is too short');
    return keySetFromSecret(bare.data);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error('signing secret is not valid JSON');
  }
  const parsed = signingSecretSchema.safeParse(json);
  if (!parsed.success) {
    const where = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`signing secret has the wrong shape (${where})`);
  }
  return keySetFromSecret(parsed.data);
}

/**
 * `STREAM_SIGNING_KEY` for local use: either the secret JSON shape above, or a bare secret
 * (key id `env`).
 */
export function staticSigningKeys(value: string): SigningKeyProvider {
  const keys = parseSigningSecret(value);
  return { getKeys: () => Promise.resolve(keys) };
}

export interface SecretsManagerKeyOptions {
  client: Pick<SecretsManagerClient, 'send'>;
  secretId: string;
  /** How long a fetched key set is reused. Rotation takes effect within this time. */
  cacheTtlMs?: number;
  nowMs?: () => number;
}

/**
 * Keys from Secrets Manager, cached for `cacheTtlMs` (default 5 min) so a call does not pay a
 * Secrets Manager round trip. Concurrent misses share one fetch. When a refresh fails, the last
 * good key set is kept for up to one more TTL rather than failing every call at once.
 */
export function secretsManagerSigningKeys(opts: SecretsManagerKeyOptions): SigningKeyProvider {
  const ttlMs = opts.cacheTtlMs ?? 300_000;
  const now = opts.nowMs ?? Date.now;
  let cached: { keys: SigningKeySet; fetchedAtMs: number } | undefined;
  let inflight: Promise<SigningKeySet> | undefined;

  const fetchKeys = async (): Promise<SigningKeySet> => {
    const out = await opts.client.send(new GetSecretValueCommand({ SecretId: opts.secretId }));
    if (typeof out.SecretString !== 'string') throw new Error('signing secret has no SecretString');
    const keys = parseSigningSecret(out.SecretString);
    cached = { keys, fetchedAtMs: now() };
    return keys;
  };

  return {
    async getKeys() {
      const ageMs = cached ? now() - cached.fetchedAtMs : Infinity;
      if (cached && ageMs < ttlMs) return cached.keys;
      inflight ??= fetchKeys().finally(() => {
        inflight = undefined;
      });
      try {
        return await inflight;
      } catch (err) {
        if (cached && ageMs < 2 * ttlMs) return cached.keys;
        throw err;
      }
    },
  };
}
