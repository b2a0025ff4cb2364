import type { ALBEvent, ALBResult } from 'aws-lambda';
import { performance } from 'node:perf_hooks';
import { signStreamUrl, type SigningKey } from '../../shared/src/stream-signature';
import { redactSignedUrl } from '../../shared/src/stream-auth/redact';
import type { SigningKeyProvider } from '../../shared/src/stream-auth/signing-keys';
import { describeError, type AdmissionLog } from './admission-log';
import type { WebhookConfig } from './config';
import type { AdmissionMetrics, RejectionReason } from './metrics';
import type { AdmissionLimiter, LimitCheck } from './rate-limit/admission-limiter';
import { parseCallRequest, type CallRequest } from './request/call-request';
import { maskPhoneNumber } from './request/phone-number';
import { albHeader, readRequestFields } from './request/request-fields';
import { sourceIpFromForwardedFor } from './request/source-ip';
import { jsonResponse } from './responses';

/**
 * `/exotel/webhook`: Voicebot applet, dynamic-URL mode; admitted calls get `{"url":"wss://..."}`.
 * `/exotel/passthru`: Passthru applet; 200 follows the flow's success branch, anything else the
 * "rejected" branch.
 */
export type AppletMode = 'voicebot' | 'passthru';

const ROUTES: Record<string, AppletMode> = { '/exotel/webhook': 'voicebot', '/exotel/passthru': 'passthru' };

export interface WebhookDeps {
  config: WebhookConfig;
  limiter: AdmissionLimiter;
  signingKeys: SigningKeyProvider;
  metrics: AdmissionMetrics;
  log: AdmissionLog;
  nowMs?: () => number;
}

/** Narrowest first: see createAdmissionLimiter. Trusted sources skip only the per-caller limit. */
function limitChecks(call: CallRequest, agentId: string, trustedSource: boolean, config: WebhookConfig): LimitCheck[] {
  const checks: LimitCheck[] = [];
  if (!trustedSource) {
    // A withheld number shares one counter: anonymous callers cannot each get a fresh quota.
    checks.push({ scope: 'caller', id: call.callFrom ?? 'anonymous', limitPerMinute: config.limits.callsPerCallerPerMinute });
  }
  checks.push({ scope: 'agent', id: agentId, limitPerMinute: config.limits.callsPerAgentPerMinute });
  checks.push({ scope: 'global', id: '', limitPerMinute: config.limits.callsPerMinute });
  return checks;
}

/**
 * A target group with multi-value headers enabled sends `multiValueHeaders` and requires them in
 * the response too (the ALB answers 502 otherwise).
 */
function shapeForTarget(event: ALBEvent, result: ALBResult): ALBResult {
  if (!event.multiValueHeaders) return result;
  const { headers, ...rest } = result;
  const multiValueHeaders: Record<string, Array<string | number | boolean>> = {};
  for (const [name, value] of Object.entries(headers ?? {})) multiValueHeaders[name] = [value];
  return { ...rest, multiValueHeaders };
}

/** The decision for one ALB event: route, validate, count, sign, answer. Shared by Lambda and local mode. */
export async function handleAlbEvent(event: ALBEvent, deps: WebhookDeps): Promise<ALBResult> {
  return shapeForTarget(event, await decide(event, deps));
}

async function decide(event: ALBEvent, deps: WebhookDeps): Promise<ALBResult> {
  const startedAt = performance.now();
  const elapsedMs = (): number => Math.round((performance.now() - startedAt) * 100) / 100;
  const { config, log, metrics } = deps;
  const now = deps.nowMs ?? Date.now;

  const mode = ROUTES[event.path.replace(/\/+$/, '')];
  if (!mode) return jsonResponse(404, { error: 'not-found' });
  if (event.httpMethod !== 'GET' && event.httpMethod !== 'POST') {
    return jsonResponse(405, { error: 'method-not-allowed' }, { allow: 'GET, POST' });
  }

  const reject = (status: number, reason: RejectionReason, body: Record<string, unknown>, fields: Record<string, unknown>): ALBResult => {
    const decisionMs = elapsedMs();
    metrics.rejected(reason, decisionMs);
    log.info('call rejected', { mode, reason, decisionMs, ...fields });
    return jsonResponse(status, body);
  };

  const read = readRequestFields(event);
  if (!read.ok) return reject(read.status, 'bad-request', { error: 'bad-request', reason: read.reason }, { detail: read.reason });
  const parsed = parseCallRequest(read.fields, config.defaultCountryCode);
  if (!parsed.ok) return reject(400, 'bad-request', { error: 'bad-request', reason: parsed.reason }, { detail: parsed.reason });
  const call = parsed.call;
  const agentId = call.agentId ?? config.defaultAgentId;
  if (!agentId) return reject(400, 'bad-request', { error: 'bad-request', reason: 'missing-agent' }, { callSid: call.callSid });

  const sourceIp = sourceIpFromForwardedFor(albHeader(event, 'x-forwarded-for'), config.forwardingProxies);
  const trustedSource = sourceIp !== undefined && config.trustedSources.contains(sourceIp);
  const logFields = {
    callSid: call.callSid,
    agentId,
    caller: call.callFrom ? maskPhoneNumber(call.callFrom) : 'anonymous',
    sourceIp,
    trustedSource,
  };

  // Keys first: a call we could not hand a URL to must not consume quota.
  let signingKey: SigningKey | undefined;
  if (mode === 'voicebot') {
    try {
      signingKey = (await deps.signingKeys.getKeys()).current;
    } catch (err) {
      log.error('signing keys unavailable', { ...logFields, ...describeError(err) });
      return reject(503, 'signing-unavailable', { error: 'unavailable' }, logFields);
    }
  }

  const nowMs = now();
  const outcome = await deps.limiter.admit(limitChecks(call, agentId, trustedSource, config), nowMs);
  if (outcome.kind === 'refused') {
    return reject(
      429,
      `rate-limit-${outcome.refusedBy}`,
      { error: 'rate-limited', scope: outcome.refusedBy },
      { ...logFields, refusedBy: outcome.refusedBy },
    );
  }
  if (outcome.kind === 'unavailable') {
    metrics.limiterUnavailable();
    log.error('rate limiter unavailable', { ...logFields, failMode: config.failMode, ...describeError(outcome.error) });
    if (config.failMode === 'closed') return reject(503, 'limiter-unavailable', { error: 'unavailable' }, logFields);
  }

  let body: Record<string, unknown> = { admitted: true };
  let streamUrl: string | undefined;
  if (signingKey) {
    const expiresAt = Math.floor(nowMs / 1000) + config.streamUrlTtlSeconds;
    const url = signStreamUrl(config.streamBaseUrl, { callSid: call.callSid, agentId, expiresAt }, signingKey);
    body = { [config.streamUrlField]: url };
    streamUrl = redactSignedUrl(url);
  }
  const decisionMs = elapsedMs();
  metrics.admitted(decisionMs);
  log.info('call admitted', { mode, decisionMs, limiterDegraded: outcome.kind === 'unavailable', ...logFields, streamUrl });
  return jsonResponse(200, body);
}
