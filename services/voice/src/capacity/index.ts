import { PROVIDER_RESOURCES, type ProviderResource } from '../../../shared/src/metrics-contract';
import { DistributedSemaphore } from './distributed-semaphore';
import { InProcessLimiter } from './in-process-limiter';
import type { ConcurrencyLimiter, LimiterLogger } from './limiter';
import { SharedRedis } from './redis-connections';

export * from './limiter';
export { InProcessLimiter } from './in-process-limiter';
export {
  DistributedSemaphore,
  DEFAULT_KEY_PREFIX,
  DEFAULT_LEASE_TTL_MS,
  DEFAULT_POLL_INTERVAL_MS,
  type DistributedSemaphoreOptions,
} from './distributed-semaphore';
export { SharedRedis } from './redis-connections';
export {
  DEFAULT_LIMITS,
  LIMIT_ENV_NAMES,
  limitsFromEnv,
  capacityConfigFromEnv,
  type CapacityConfig,
} from './limits-config';

export interface CreateLimitersConfig {
  limits: Record<ProviderResource, number>;
  /** Absent → in-process limiters (one task only: the embedded/local default). */
  redisUrl?: string;
  /** ElastiCache AUTH token when the URL carries none (REDIS_AUTH_TOKEN). */
  redisPassword?: string;
  /** Redis lease TTL; default 15 s, renewed every TTL/3. */
  leaseTtlMs?: number;
  keyPrefix?: string;
  logger?: LimiterLogger;
}

/**
 * One limiter per provider resource. With a redisUrl they share one command and one subscriber
 * connection; closing every limiter closes them.
 */
export function createLimiters(config: CreateLimitersConfig): Record<ProviderResource, ConcurrencyLimiter> {
  const limiters = {} as Record<ProviderResource, ConcurrencyLimiter>;
  const redis = config.redisUrl === undefined ? undefined : SharedRedis.fromUrl(config.redisUrl, config.logger, config.redisPassword);
  for (const resource of PROVIDER_RESOURCES) {
    const limit = config.limits[resource];
    const base = {
      name: resource,
      limit,
      ...(config.leaseTtlMs === undefined ? {} : { leaseTtlMs: config.leaseTtlMs }),
      ...(config.keyPrefix === undefined ? {} : { keyPrefix: config.keyPrefix }),
      ...(config.logger === undefined ? {} : { logger: config.logger }),
    };
    limiters[resource] =
      redis === undefined ? new InProcessLimiter(resource, limit) : new DistributedSemaphore({ ...base, redis });
  }
  return limiters;
}

/** Closes every limiter (and with them the shared Redis connections). */
export async function closeLimiters(limiters: Record<ProviderResource, ConcurrencyLimiter>): Promise<void> {
  await Promise.all(Object.values(limiters).map((l) => l.close()));
}
