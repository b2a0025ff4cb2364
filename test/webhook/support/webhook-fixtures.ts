import type { ALBEvent } from 'aws-lambda';
import type { WebhookDeps } from '../../../services/webhook/src/admission';
import type { AdmissionLog } from '../../../services/webhook/src/admission-log';
import { loadWebhookConfig, type WebhookConfig } from '../../../services/webhook/src/config';
import type { AdmissionMetrics, RejectionReason } from '../../../services/webhook/src/metrics';
import { createAdmissionLimiter } from '../../../services/webhook/src/rate-limit/admission-limiter';
import type { WindowCounterStore } from '../../../services/webhook/src/rate-limit/counter-store';
import { MemoryCounterStore } from '../../../services/webhook/src/rate-limit/memory-counter-store';
import { staticSigningKeys } from '../../../services/shared/src/stream-auth/signing-keys';

export const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';
export const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);

export const BASE_ENV: NodeJS.ProcessEnv = {
  STREAM_SIGNING_KEY: SIGNING_SECRET,
  STREAM_BASE_URL: 'wss://voice.example.com',
  ENVIRONMENT: 'test',
};

export function testConfig(env: NodeJS.ProcessEnv = {}): WebhookConfig {
  return loadWebhookConfig({ ...BASE_ENV, ...env });
}

export class RecordingMetrics implements AdmissionMetrics {
  admittedCount = 0;
  rejectedReasons: RejectionReason[] = [];
  unavailableCount = 0;
  admitted(): void {
    this.admittedCount++;
  }
  rejected(reason: RejectionReason): void {
    this.rejectedReasons.push(reason);
  }
  limiterUnavailable(): void {
    this.unavailableCount++;
  }
}

export class RecordingLog implements AdmissionLog {
  lines: Array<{ level: string; message: string; fields: Record<string, unknown> }> = [];
  info(message: string, fields: Record<string, unknown> = {}): void {
    this.lines.push({ level: 'info', message, fields });
  }
  warn(message: string, fields: Record<string, unknown> = {}): void {
    this.lines.push({ level: 'warn', message, fields });
  }
  error(message: string, fields: Record<string, unknown> = {}): void {
    this.lines.push({ level: 'error', message, fields });
  }
  get text(): string {
    return JSON.stringify(this.lines);
  }
}

export interface TestDeps extends WebhookDeps {
  metrics: RecordingMetrics;
  log: RecordingLog;
}

export function testDeps(env: NodeJS.ProcessEnv = {}, store: WindowCounterStore = new MemoryCounterStore()): TestDeps {
  const config = testConfig(env);
  return {
    config,
    limiter: createAdmissionLimiter(store),
    signingKeys: staticSigningKeys(SIGNING_SECRET),
    metrics: new RecordingMetrics(),
    log: new RecordingLog(),
    nowMs: () => T0 + 1_000,
  };
}

/** An ALB event as the load balancer delivers it (query values still percent-encoded). */
export function albEvent(opts: {
  path?: string;
  method?: string;
  query?: Record<string, string>;
  body?: string;
  contentType?: string;
  forwardedFor?: string;
  headers?: Record<string, string>;
}): ALBEvent {
  const headers: Record<string, string> = { 'x-forwarded-for': opts.forwardedFor ?? '198.51.100.10', ...opts.headers };
  if (opts.contentType) headers['content-type'] = opts.contentType;
  const query: Record<string, string> = {};
  for (const [k, v] of Object.entries(opts.query ?? {})) query[encodeURIComponent(k)] = encodeURIComponent(v);
  return {
    requestContext: { elb: { targetGroupArn: 'arn:aws:elasticloadbalancing:ap-south-1:123456789012:targetgroup/webhook/abc' } },
    httpMethod: opts.method ?? 'GET',
    path: opts.path ?? '/exotel/webhook',
    queryStringParameters: query,
    headers,
    body: opts.body ?? '',
    isBase64Encoded: false,
  };
}

export const CALL = { CallSid: 'b6a2c3d4e5f60718293a4b5c6d7e8f90', CallFrom: '09876543210', CallTo: '08047112233', Direction: 'incoming' };
