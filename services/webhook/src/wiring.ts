import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  secretsManagerSigningKeys,
  staticSigningKeys,
  type SigningKeyProvider,
} from '../../shared/src/stream-auth/signing-keys';
import { describeError, type AdmissionLog } from './admission-log';
import type { WebhookConfig } from './config';
import { createAdmissionLimiter, type AdmissionLimiter } from './rate-limit/admission-limiter';
import type { WindowCounterStore } from './rate-limit/counter-store';
import { DynamoCounterStore } from './rate-limit/dynamodb-counter-store';
import { MemoryCounterStore } from './rate-limit/memory-counter-store';
import type { SlidingWindowShape } from './rate-limit/sliding-window';

/**
 * A webhook has a few seconds before Exotel gives up: a slow DynamoDB must turn into a decision
 * (fail open/closed) quickly, not into a hung request.
 */
const DYNAMO_CONNECT_TIMEOUT_MS = 500;
const DYNAMO_REQUEST_TIMEOUT_MS = 1500;
/**
 * Local emulators (dynalite) serve one process's many concurrent requests slowly, and requests
 * queued for a pooled socket count against the connect timeout: loosen both there.
 */
const LOCAL_CONNECT_TIMEOUT_MS = 30_000;
const LOCAL_REQUEST_TIMEOUT_MS = 30_000;

export function windowShapeFor(config: WebhookConfig): SlidingWindowShape {
  return { windowMs: 60_000, bucketMs: config.bucketSeconds * 1000 };
}

/** DynamoDB when `RATE_LIMIT_TABLE` is set, in-memory counters otherwise (local mode). */
export function createCounterStore(config: WebhookConfig): WindowCounterStore {
  const shape = windowShapeFor(config);
  if (!config.rateLimitTable) return new MemoryCounterStore(shape);
  const local = config.dynamoDbEndpoint !== undefined;
  const client = new DynamoDBClient({
    ...(local
      ? {
          endpoint: config.dynamoDbEndpoint,
          region: config.awsRegion ?? 'us-east-1',
          // dynalite and DynamoDB Local accept any credentials; do not look for real ones.
          credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        }
      : config.awsRegion
        ? { region: config.awsRegion }
        : {}),
    maxAttempts: 2,
    requestHandler: local
      ? { connectionTimeout: LOCAL_CONNECT_TIMEOUT_MS, requestTimeout: LOCAL_REQUEST_TIMEOUT_MS, httpAgent: { maxSockets: 256 } }
      : { connectionTimeout: DYNAMO_CONNECT_TIMEOUT_MS, requestTimeout: DYNAMO_REQUEST_TIMEOUT_MS },
  });
  return new DynamoCounterStore({ client, tableName: config.rateLimitTable, shape });
}

export function createLimiter(store: WindowCounterStore, log: AdmissionLog): AdmissionLimiter {
  return createAdmissionLimiter(store, {
    onRollbackError: (counterKey, error) =>
      log.warn('rate-limit rollback failed; quota stays used until the window passes', { counterKey, ...describeError(error) }),
  });
}

export function createSigningKeys(config: WebhookConfig): SigningKeyProvider {
  // The secret wins when both are set: the env key is the local convenience.
  if (config.signing.secretArn) {
    return secretsManagerSigningKeys({
      client: new SecretsManagerClient(config.awsRegion ? { region: config.awsRegion } : {}),
      secretId: config.signing.secretArn,
      cacheTtlMs: config.signing.cacheTtlMs,
    });
  }
  if (config.signing.staticKey) return staticSigningKeys(config.signing.staticKey);
  throw new Error('no stream signing key configured');
}
