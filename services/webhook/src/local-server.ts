import { Logger } from '@aws-lambda-powertools/logger';
import type { ALBEvent } from 'aws-lambda';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { WEBHOOK_SERVICE_NAME } from '../../shared/src/metrics-contract';
import { handleAlbEvent, type WebhookDeps } from './admission';
import { describeError, type AdmissionLog } from './admission-log';
import { loadWebhookConfig } from './config';
import type { AdmissionMetrics } from './metrics';
import { MAX_BODY_BYTES } from './request/request-fields';
import { jsonResponse } from './responses';
import { createCounterStore, createLimiter, createSigningKeys } from './wiring';

export interface LocalWebhookOptions {
  /** Merged over `process.env`; same variables as the Lambda. No `RATE_LIMIT_TABLE` = in-memory counters. */
  env?: NodeJS.ProcessEnv;
  log?: AdmissionLog;
  /** Default: none (EMF on a developer's terminal is noise). */
  metrics?: AdmissionMetrics;
  nowMs?: () => number;
}

const noMetrics: AdmissionMetrics = { admitted: () => undefined, rejected: () => undefined, limiterUnavailable: () => undefined };

function powertoolsLog(): AdmissionLog {
  const logger = new Logger({ serviceName: WEBHOOK_SERVICE_NAME });
  return {
    info: (m, f) => logger.info(m, f ?? {}),
    warn: (m, f) => logger.warn(m, f ?? {}),
    error: (m, f) => logger.error(m, f ?? {}),
  };
}

/** Like ALB: the query string reaches the target still percent-encoded. */
function rawQuery(search: string): Record<string, string> {
  const params: Record<string, string> = {};
  for (const part of search.replace(/^\?/, '').split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    params[eq < 0 ? part : part.slice(0, eq)] = eq < 0 ? '' : part.slice(eq + 1);
  }
  return params;
}

/** Reads at most MAX_BODY_BYTES + 1 bytes (enough for the decision code to answer 413) and drains the rest. */
function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let kept = 0;
    req.on('data', (chunk: Buffer) => {
      if (kept > MAX_BODY_BYTES) return;
      const part = chunk.subarray(0, MAX_BODY_BYTES + 1 - kept);
      chunks.push(part);
      kept += part.byteLength;
    });
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

/** The ALB target event this request would have produced. */
export function albEventFromNodeRequest(req: IncomingMessage, body: Buffer): ALBEvent {
  // Mounted under a prefix by a framework (express `app.use('/exotel', ...)`), `url` is relative.
  const original = (req as IncomingMessage & { originalUrl?: unknown }).originalUrl;
  const target = typeof original === 'string' ? original : (req.url ?? '/');
  const url = new URL(target, 'http://local.invalid');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  // The ALB appends the connecting peer: do the same, so the source-IP rule is exercised.
  const peer = req.socket.remoteAddress;
  if (peer) headers['x-forwarded-for'] = headers['x-forwarded-for'] ? `${headers['x-forwarded-for']}, ${peer}` : peer;
  return {
    requestContext: { elb: { targetGroupArn: 'arn:aws:elasticloadbalancing:local:000000000000:targetgroup/local/0' } },
    httpMethod: req.method ?? 'GET',
    path: url.pathname,
    queryStringParameters: rawQuery(url.search),
    headers,
    body: body.byteLength > 0 ? body.toString('base64') : '',
    isBase64Encoded: body.byteLength > 0,
  };
}

/**
 * The webhook as a node request listener for local mode (`npm start` mounts it at `/exotel/*`):
 * node request -> ALB event -> the Lambda's decision code -> node response.
 */
export function createLocalWebhook(opts: LocalWebhookOptions = {}): (req: IncomingMessage, res: ServerResponse) => void {
  const config = loadWebhookConfig({ ...process.env, ...opts.env });
  const log = opts.log ?? powertoolsLog();
  const deps: WebhookDeps = {
    config,
    log,
    limiter: createLimiter(createCounterStore(config), log),
    signingKeys: createSigningKeys(config),
    metrics: opts.metrics ?? noMetrics,
    ...(opts.nowMs ? { nowMs: opts.nowMs } : {}),
  };

  return (req, res) => {
    void (async () => {
      let result;
      try {
        result = await handleAlbEvent(albEventFromNodeRequest(req, await readBody(req)), deps);
      } catch (err) {
        log.error('local webhook failed', describeError(err));
        result = jsonResponse(500, { error: 'internal' });
      }
      if (res.headersSent) return;
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(result.headers ?? {})) headers[k] = String(v);
      res.writeHead(result.statusCode, headers);
      res.end(result.body ?? '');
    })();
  };
}
