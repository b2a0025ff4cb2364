import type { IncomingMessage } from 'node:http';
import type Redis from 'ioredis';
import {
  authenticateStreamRequest,
  MemoryReplayGuard,
  MIN_SIGNING_SECRET_CHARS,
  parseBasicAuthorization,
  parseSigningSecret,
  RedisReplayGuard,
  type ReplayGuard,
  type StreamAuthMode,
} from '../../../shared/src/stream-auth/index';
import type { SigningKey } from '../../../shared/src/stream-signature';
import type { VoiceEnv } from '../config/env';
import type { StreamAuthenticator } from './voice-server';

/**
 * Signing keys from the environment: either the Secrets Manager JSON shape
 * (`{"current":{id,secret},"previous":{...}}`, as ECS injects it) or a bare secret with its id.
 */
export function signingKeysFromEnv(env: VoiceEnv): SigningKey[] {
  const keys: SigningKey[] = [];
  const value = env.STREAM_SIGNING_KEY;
  if (value?.startsWith('{')) {
    const set = parseSigningSecret(value);
    keys.push(...set.valid);
  } else if (value) {
    // One signed URL reveals a MAC; a short secret could be guessed offline from it.
    if (value.length < MIN_SIGNING_SECRET_CHARS) throw new Error(`STREAM_SIGNING_KEY must be at least ${MIN_SIGNING_SECRET_CHARS} characters`);
    keys.push({ id: env.STREAM_SIGNING_KEY_ID, secret: value });
  }
  if (env.STREAM_SIGNING_PREVIOUS_KEY) keys.push({ id: env.STREAM_SIGNING_PREVIOUS_KEY_ID, secret: env.STREAM_SIGNING_PREVIOUS_KEY });
  return keys;
}

/**
 * Checks the stream URL's signature (and that it was not used before: one signed URL opens one
 * stream, across every task when Redis is shared) or HTTP basic auth, before the upgrade.
 */
export function createStreamAuthenticator(env: VoiceEnv, mode: StreamAuthMode, redis?: Redis): StreamAuthenticator {
  const keys = signingKeysFromEnv(env);
  if (mode === 'required' && keys.length === 0 && !env.STREAM_BASIC_AUTH) {
    throw new Error('STREAM_AUTH_MODE=required needs STREAM_SIGNING_KEY or STREAM_BASIC_AUTH');
  }
  const basic = env.STREAM_BASIC_AUTH ? parseBasicAuthorization(`Basic ${Buffer.from(env.STREAM_BASIC_AUTH).toString('base64')}`) : undefined;
  if (mode === 'basic' && !basic) throw new Error('STREAM_AUTH_MODE=basic needs STREAM_BASIC_AUTH=user:password');
  const replayGuard: ReplayGuard = redis ? new RedisReplayGuard(redis) : new MemoryReplayGuard();

  return async (req: IncomingMessage) => {
    const result = await authenticateStreamRequest(
      { url: req.url ?? '/', headers: req.headers, ...(req.socket.remoteAddress ? { remoteAddress: req.socket.remoteAddress } : {}) },
      { mode, keys, replayGuard, ...(basic ? { basic } : {}) },
    );
    if (!result.ok) return { ok: false, status: 401, reason: result.reason };
    return { ok: true, callSid: result.callSid, ...(result.agentId ? { agentId: result.agentId } : {}) };
  };
}
