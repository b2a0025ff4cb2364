import Redis from 'ioredis';
import { DistributedSemaphore, SharedRedis, type DistributedSemaphoreOptions } from '../../services/voice/src/capacity';

/** A limiter as one task would run it: its own command and subscriber connections. */
export function taskLimiter(
  url: string,
  opts: Omit<DistributedSemaphoreOptions, 'redis'>,
): DistributedSemaphore {
  return new DistributedSemaphore({ ...opts, redis: SharedRedis.fromUrl(url) });
}

/** Every key under the prefix, by SCAN (what an operator would see). */
export async function scanKeys(url: string, prefix: string): Promise<string[]> {
  const client = new Redis(url);
  try {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    return keys;
  } finally {
    client.disconnect();
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns true or `timeoutMs` passes; returns whether it did. */
export async function eventually(check: () => Promise<boolean> | boolean, timeoutMs = 5000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await sleep(10);
  }
}

/** Counts concurrent holders and remembers the peak. */
export class HoldCounter {
  current = 0;
  peak = 0;
  enter(): void {
    this.current += 1;
    this.peak = Math.max(this.peak, this.current);
  }
  exit(): void {
    this.current -= 1;
  }
}
