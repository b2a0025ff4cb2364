import Redis from 'ioredis';
import { silentLogger, type LimiterLogger } from './limiter';

/**
 * One command connection and one subscriber connection per task, shared by all its limiters
 * (a subscribed ioredis connection can run no other commands). Reference-counted: the last
 * limiter to close quits both.
 */
export class SharedRedis {
  private readonly handlers = new Map<string, (message: string) => void>();
  private readonly readyListeners = new Set<() => void>();
  private refs = 0;

  constructor(
    readonly command: Redis,
    readonly subscriber: Redis,
    private readonly logger: LimiterLogger = silentLogger,
  ) {
    subscriber.on('message', (channel: string, message: string) => this.handlers.get(channel)?.(message));
    // After a reconnect (Redis restart, failover) state may be gone and grant messages lost:
    // tell the limiters so they re-register and re-poll at once rather than at their next tick.
    const onReady = (): void => {
      for (const listener of this.readyListeners) listener();
    };
    command.on('ready', onReady);
    subscriber.on('ready', onReady);
    let lastError = '';
    const onError = (err: Error): void => {
      // ioredis repeats the same error on every reconnect attempt; log each distinct one once.
      if (err.message === lastError) return;
      lastError = err.message;
      this.logger.warn({ err: err.message }, 'capacity: redis connection error');
    };
    command.on('error', onError);
    subscriber.on('error', onError);
    command.on('ready', () => (lastError = ''));
  }

  /** `password` is the ElastiCache AUTH token when it is not part of the URL. */
  static fromUrl(url: string, logger?: LimiterLogger, password?: string): SharedRedis {
    const options = {
      ...(password === undefined ? {} : { password }),
      // Fail a command after a few reconnect attempts instead of holding it for tens of seconds:
      // the limiter retries enqueues itself, and an unsent renewal is sent on the next tick.
      maxRetriesPerRequest: 3,
      connectionName: 'calling-agent-capacity',
    };
    return new SharedRedis(new Redis(url, options), new Redis(url, options), logger);
  }

  retain(): void {
    this.refs += 1;
  }

  async subscribe(channel: string, handler: (message: string) => void): Promise<void> {
    this.handlers.set(channel, handler);
    await this.subscriber.subscribe(channel);
  }

  async unsubscribe(channel: string): Promise<void> {
    this.handlers.delete(channel);
    if (this.subscriber.status === 'ready') await this.subscriber.unsubscribe(channel).catch(() => undefined);
  }

  onReady(listener: () => void): () => void {
    this.readyListeners.add(listener);
    return () => this.readyListeners.delete(listener);
  }

  /** Drops one reference; the last one closes both connections. */
  async releaseRef(): Promise<void> {
    this.refs -= 1;
    if (this.refs > 0) return;
    await Promise.all([closeGracefully(this.command), closeGracefully(this.subscriber)]);
  }

  /** Drops both connections without a word to Redis: what kill -9 does to a task. */
  disconnectNow(): void {
    this.command.disconnect();
    this.subscriber.disconnect();
  }
}

async function closeGracefully(client: Redis): Promise<void> {
  // QUIT on a connection that is down would wait in the offline queue for a reconnect.
  if (client.status !== 'ready') {
    client.disconnect();
    return;
  }
  await client.quit().catch(() => client.disconnect());
}
