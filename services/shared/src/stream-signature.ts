import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed stream URLs: the webhook admits a call and hands Exotel
 * `<base>/ws/exotel/voice/<callSid>?agent=<id>&exp=<unix s>&kid=<key id>&sig=<hex hmac>`.
 * The voice service verifies before upgrading. The MAC covers call SID, agent and expiry, so a
 * URL cannot be re-pointed at another call or agent or kept alive past `exp`.
 */
export interface SigningKey {
  /** Short identifier carried in the URL so a verifier can pick the key during rotation. */
  id: string;
  secret: string;
}

export interface StreamClaims {
  callSid: string;
  agentId: string;
  /** Unix seconds. */
  expiresAt: number;
}

export function streamSignature(claims: StreamClaims, secret: string): string {
  return createHmac('sha256', secret)
    .update(`${claims.callSid}\n${claims.agentId}\n${claims.expiresAt}`)
    .digest('hex');
}

/** Builds the stream URL for an admitted call. `baseUrl` is e.g. `wss://host` (no trailing path). */
export function signStreamUrl(baseUrl: string, claims: StreamClaims, key: SigningKey): string {
  const url = new URL(`/ws/exotel/voice/${encodeURIComponent(claims.callSid)}`, baseUrl);
  url.searchParams.set('agent', claims.agentId);
  url.searchParams.set('exp', String(claims.expiresAt));
  url.searchParams.set('kid', key.id);
  url.searchParams.set('sig', streamSignature(claims, key.secret));
  return url.toString();
}

export type SignatureCheck =
  | { ok: true; claims: StreamClaims; signature: string }
  | { ok: false; reason: 'missing' | 'malformed' | 'expired' | 'bad-signature' | 'unknown-key' };

/**
 * Checks signature and expiry (not replay: that needs shared state, see the replay guard).
 * `keys` holds every key currently valid (two during rotation).
 */
export function verifyStreamSignature(
  callSid: string,
  query: URLSearchParams,
  keys: readonly SigningKey[],
  nowSec: number = Math.floor(Date.now() / 1000),
): SignatureCheck {
  const agentId = query.get('agent');
  const exp = query.get('exp');
  const sig = query.get('sig');
  const kid = query.get('kid');
  if (!agentId || !exp || !sig) return { ok: false, reason: 'missing' };
  if (!/^\d{1,12}$/.test(exp) || !/^[0-9a-f]{64}$/.test(sig)) return { ok: false, reason: 'malformed' };
  const claims: StreamClaims = { callSid, agentId, expiresAt: Number(exp) };
  if (claims.expiresAt < nowSec) return { ok: false, reason: 'expired' };
  const candidates = kid ? keys.filter((k) => k.id === kid) : keys;
  if (candidates.length === 0) return { ok: false, reason: 'unknown-key' };
  const given = Buffer.from(sig, 'hex');
  for (const key of candidates) {
    const expected = Buffer.from(streamSignature(claims, key.secret), 'hex');
    if (expected.length === given.length && timingSafeEqual(expected, given)) {
      return { ok: true, claims, signature: sig };
    }
  }
  return { ok: false, reason: 'bad-signature' };
}
