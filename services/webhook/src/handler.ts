import { Logger } from '@aws-lambda-powertools/logger';
import type { ALBEvent, ALBResult } from 'aws-lambda';
import { WEBHOOK_SERVICE_NAME } from '../../shared/src/metrics-contract';
import { handleAlbEvent, type WebhookDeps } from './admission';
import { describeError, type AdmissionLog } from './admission-log';
import { loadWebhookConfig } from './config';
import { PowertoolsAdmissionMetrics } from './metrics';
import { jsonResponse } from './responses';
import { createCounterStore, createLimiter, createSigningKeys } from './wiring';

/**
 * Lambda entry point behind the ALB rule `/exotel/*`. Configuration is validated at cold start:
 * a misconfigured function fails its first invocation loudly instead of admitting calls.
 */
function coldStart(): WebhookDeps {
  const config = loadWebhookConfig();
  if (!config.rateLimitTable) {
    // Per-instance memory counters in Lambda would multiply every limit by the instance count.
    throw new Error('webhook configuration invalid: RATE_LIMIT_TABLE is required in Lambda');
  }
  const logger = new Logger({ serviceName: WEBHOOK_SERVICE_NAME, persistentKeys: { environment: config.environment } });
  const log: AdmissionLog = {
    info: (m, f) => logger.info(m, f ?? {}),
    warn: (m, f) => logger.warn(m, f ?? {}),
    error: (m, f) => logger.error(m, f ?? {}),
  };
  return {
    config,
    log,
    limiter: createLimiter(createCounterStore(config), log),
    signingKeys: createSigningKeys(config),
    metrics: new PowertoolsAdmissionMetrics(config.environment),
  };
}

const deps = coldStart();

export async function handler(event: ALBEvent): Promise<ALBResult> {
  try {
    return await handleAlbEvent(event, deps);
  } catch (err) {
    // Never an unhandled rejection: the ALB would answer 502 and Exotel's Passthru would take
    // the rejected branch anyway, but a 500 with a log line is diagnosable.
    deps.log.error('webhook failed', describeError(err));
    return jsonResponse(500, { error: 'internal' });
  }
}
