import { verifyStreamSignature, type SigningKey } from '../stream-signature';
import { basicCredentialsMatch, parseBasicAuthorization, type BasicCredentials } from './basic-auth';
import type { ReplayGuard } from './replay-guard';
import type { SigningKeyProvider } from './signing-keys';

/**
 * - `required`: a valid, unexpired, unused signed URL (from the webhook); HTTP Basic is accepted
 *   instead when `basic` credentials are configured (static-URL applets cannot sign).
 * - `basic`: HTTP Basic only (static-URL setups without the webhook).
 * - `disabled`: no authentication (local mode only).
 */
export type StreamAuthMode = 'required' | 'basic' | 'disabled';

export interface StreamAuthRequest {
  /** The request target as node gives it: path and query, e.g. `/ws/exotel/voice/CA1?agent=a&exp=...`. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  remoteAddress?: string;
}

export interface StreamAuthDeps {
  mode: StreamAuthMode;
  /** Every key currently valid for verification (current and previous during a rotation). */
  keys?: SigningKeyProvider | readonly SigningKey[];
  /** Required in `required` mode: a signed URL opens one stream only. */
  replayGuard?: ReplayGuard;
  basic?: BasicCredentials;
  nowMs?: () => number;
}

export type StreamAuthResult =
  | { ok: true; callSid: string; agentId?: string; method: 'signature' | 'basic' | 'none' }
  | { ok: false; status: 401; reason: string };

export const STREAM_PATH_PREFIX = '/ws/exotel/voice/';
const CALL_SID = /^[A-Za-z0-9_-]{1,64}$/;
const AGENT_ID = /^[A-Za-z0-9_-]{1,64}$/;
/** Replay entries outlive `exp` by this much so a verifier with a slightly slow clock is still covered. */
const REPLAY_TTL_MARGIN_SEC = 30;

function reject(reason: string): StreamAuthResult {
  return { ok: false, status: 401, reason };
}

function firstHeader(headers: StreamAuthRequest['headers'], name: string): string | undefined {
  const value = headers[name] ?? headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

function parseTarget(url: string): { callSid: string; query: URLSearchParams } | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url, 'http://stream.invalid');
  } catch {
    return undefined;
  }
  if (!parsed.pathname.startsWith(STREAM_PATH_PREFIX)) return undefined;
  const rest = parsed.pathname.slice(STREAM_PATH_PREFIX.length).replace(/\/$/, '');
  let callSid: string;
  try {
    callSid = decodeURIComponent(rest);
  } catch {
    return undefined;
  }
  if (!CALL_SID.test(callSid)) return undefined;
  return { callSid, query: parsed.searchParams };
}

async function resolveKeys(keys: StreamAuthDeps['keys']): Promise<readonly SigningKey[]> {
  if (!keys) return [];
  if ('getKeys' in keys) return (await keys.getKeys()).valid;
  return keys;
}

function optionalAgent(query: URLSearchParams): string | undefined {
  const agent = query.get('agent');
  return agent && AGENT_ID.test(agent) ? agent : undefined;
}

function checkBasic(req: StreamAuthRequest, callSid: string, query: URLSearchParams, expected: BasicCredentials): StreamAuthResult {
  const given = parseBasicAuthorization(firstHeader(req.headers, 'authorization'));
  if (!given) return reject('missing-credentials');
  if (!basicCredentialsMatch(given, expected)) return reject('bad-credentials');
  const agentId = optionalAgent(query);
  return agentId ? { ok: true, callSid, agentId, method: 'basic' } : { ok: true, callSid, method: 'basic' };
}

async function checkSignature(
  callSid: string,
  query: URLSearchParams,
  deps: StreamAuthDeps,
  nowMs: number,
): Promise<StreamAuthResult> {
  if (!deps.replayGuard) return reject('replay-guard-not-configured');
  let keys: readonly SigningKey[];
  try {
    keys = await resolveKeys(deps.keys);
  } catch {
    return reject('keys-unavailable');
  }
  if (keys.length === 0) return reject('keys-unavailable');
  const nowSec = Math.floor(nowMs / 1000);
  const check = verifyStreamSignature(callSid, query, keys, nowSec);
  if (!check.ok) return reject(check.reason);
  // Claimed only after the MAC checks out, so unauthenticated traffic cannot fill the guard.
  let first: boolean;
  try {
    first = await deps.replayGuard.claimOnce(`${callSid}:${check.signature}`, check.claims.expiresAt - nowSec + REPLAY_TTL_MARGIN_SEC);
  } catch {
    return reject('replay-check-unavailable');
  }
  if (!first) return reject('replayed');
  return { ok: true, callSid, agentId: check.claims.agentId, method: 'signature' };
}

/**
 * Call before the WebSocket upgrade of `/ws/exotel/voice/:callSid`; on `ok: false` answer
 * `401` and do not upgrade. `reason` is for logs and metrics, not for the client.
 */
export async function authenticateStreamRequest(req: StreamAuthRequest, deps: StreamAuthDeps): Promise<StreamAuthResult> {
  const target = parseTarget(req.url);
  if (!target) return reject('bad-path');
  const { callSid, query } = target;
  const nowMs = (deps.nowMs ?? Date.now)();

  switch (deps.mode) {
    case 'disabled': {
      const agentId = optionalAgent(query);
      return agentId ? { ok: true, callSid, agentId, method: 'none' } : { ok: true, callSid, method: 'none' };
    }
    case 'basic':
      if (!deps.basic) return reject('basic-not-configured');
      return checkBasic(req, callSid, query, deps.basic);
    case 'required':
      if (deps.basic && !query.has('sig') && firstHeader(req.headers, 'authorization') !== undefined) {
        return checkBasic(req, callSid, query, deps.basic);
      }
      return checkSignature(callSid, query, deps, nowMs);
  }
}
