import type { IncomingMessage } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { verifyStreamSignature, type SigningKey } from '../../../shared/src/stream-signature';
import type { VoiceEnv } from '../config/env';
import type { StreamAuthenticator } from './voice-server';

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Checks the stream URL's signature or basic auth before the upgrade. */
export function createStreamAuthenticator(env: VoiceEnv, mode: 'required' | 'basic' | 'disabled'): StreamAuthenticator {
  const keys: SigningKey[] = [];
  if (env.STREAM_SIGNING_KEY) keys.push({ id: env.STREAM_SIGNING_KEY_ID, secret: env.STREAM_SIGNING_KEY });
  if (env.STREAM_SIGNING_PREVIOUS_KEY) keys.push({ id: env.STREAM_SIGNING_PREVIOUS_KEY_ID, secret: env.STREAM_SIGNING_PREVIOUS_KEY });
  const basic = env.STREAM_BASIC_AUTH;

  return async (req: IncomingMessage, callSid: string) => {
    if (mode === 'disabled') return { ok: true, callSid };
    const header = req.headers.authorization;
    if (basic && header?.startsWith('Basic ')) {
      const given = Buffer.from(header.slice(6), 'base64').toString();
      return safeEqual(given, basic) ? { ok: true, callSid } : { ok: false, status: 401, reason: 'bad basic credentials' };
    }
    if (mode === 'basic') return { ok: false, status: 401, reason: 'basic auth required' };
    const query = new URL(req.url ?? '/', 'http://local').searchParams;
    const check = verifyStreamSignature(callSid, query, keys);
    if (!check.ok) return { ok: false, status: 401, reason: `signature ${check.reason}` };
    return { ok: true, callSid, agentId: check.claims.agentId };
  };
}
