import { signStreamUrl, type SigningKey } from '../../shared/src/stream-signature';

export const DEFAULT_SIGNING_KEY_ID = 'env';
/** How long a signed URL stays valid: enough for the handshake (and Exotel's one retry). */
export const SIGNED_URL_TTL_SEC = 300;

export interface StreamUrlOptions {
  /** ws(s)://host[:port], optionally with user:pass for basic auth. */
  target: string;
  callSid: string;
  agentId?: string;
  /** A key object, or just the secret (key id defaults to 'env', as the webhook and voice service use for a bare secret). */
  signingKey?: SigningKey | string;
  nowSec?: number;
}

export function normalizeSigningKey(key: SigningKey | string): SigningKey {
  return typeof key === 'string' ? { id: DEFAULT_SIGNING_KEY_ID, secret: key } : key;
}

/**
 * The URL Exotel would open for one call: `<target>/ws/exotel/voice/<callSid>`, signed with
 * `signStreamUrl` when a key is given (it then needs an agent id: the signature covers it).
 */
export function buildStreamUrl(options: StreamUrlOptions): string {
  const agentId = options.agentId ?? 'default';
  if (options.signingKey !== undefined) {
    const nowSec = options.nowSec ?? Math.floor(Date.now() / 1000);
    // signStreamUrl resolves an absolute path against the target, which keeps user:pass.
    return signStreamUrl(
      options.target,
      { callSid: options.callSid, agentId, expiresAt: nowSec + SIGNED_URL_TTL_SEC },
      normalizeSigningKey(options.signingKey),
    );
  }
  const url = new URL(`/ws/exotel/voice/${encodeURIComponent(options.callSid)}`, options.target);
  if (options.agentId !== undefined) url.searchParams.set('agent', options.agentId);
  return url.toString();
}

/** ws(s)://host/... -> http(s)://host/api/stats, credentials kept for the caller to turn into a header. */
export function statsUrlFor(target: string): string {
  const url = new URL('/api/stats', target);
  if (url.protocol === 'ws:') url.protocol = 'http:';
  else if (url.protocol === 'wss:') url.protocol = 'https:';
  return url.toString();
}
