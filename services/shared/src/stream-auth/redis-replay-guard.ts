import type { Redis } from 'ioredis';
import type { ReplayGuard } from './replay-guard';

/**
 * Shared across voice tasks: `SET key 1 NX EX ttl` is atomic, so of two tasks receiving the same
 * URL exactly one gets `OK`.
 */
export class RedisReplayGuard implements ReplayGuard {
  constructor(
    private readonly redis: Pick<Redis, 'set'>,
    private readonly keyPrefix = 'stream-replay:',
  ) {}

  async claimOnce(key: string, ttlSec: number): Promise<boolean> {
    const reply = await this.redis.set(`${this.keyPrefix}${key}`, '1', 'EX', Math.max(1, Math.ceil(ttlSec)), 'NX');
    return reply === 'OK';
  }
}
