import { randomBytes } from 'node:crypto';
import { refuseBeforeQueue, watchCancellation, type CancelKind } from './cancellation';
import {
  LimiterClosedError,
  LimiterTimeoutError,
  silentLogger,
  type AcquireOptions,
  type ConcurrencyLimiter,
  type Lease,
  type LimiterLogger,
  type LimiterStats,
} from './limiter';
import type { SharedRedis } from './redis-connections';
import { SemaphoreScripts, semaphoreKeys, type TickWaiter } from './redis-scripts';
import { WaitRecorder } from './wait-stats';

/** At most 15 s, so a killed task's slots return to the pool within that. */
export const DEFAULT_LEASE_TTL_MS = 15_000;
export const DEFAULT_KEY_PREFIX = 'calling-agent:capacity:';
/** Fallback poll for grants whose pub/sub message was lost (only while this task has waiters). */
export const DEFAULT_POLL_INTERVAL_MS = 1_000;

export interface DistributedSemaphoreOptions {
  name: string;
  limit: number;
  redis: SharedRedis;
  leaseTtlMs?: number;
  keyPrefix?: string;
  pollIntervalMs?: number;
  logger?: LimiterLogger;
}

interface RemoteWaiter {
  readonly localId: string;
  /** The caller's priority; undefined = Redis server time at enqueue (FIFO). */
  readonly priority: number | undefined;
  readonly tryOnly: boolean;
  readonly owner: string | undefined;
  readonly startedMs: number;
  readonly resolve: (lease: Lease) => void;
  readonly reject: (err: Error) => void;
  state: 'pending' | 'granted' | 'cancelled';
  /** Known once the enqueue script has answered (or a grant message named it). */
  member: string | undefined;
  score: number | undefined;
  dispose: () => void;
}

const stateOf = (w: RemoteWaiter): RemoteWaiter['state'] => w.state;

const unrefSleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms).unref());

/**
 * A counting semaphore shared by every task through Redis: leases with a TTL that live holders
 * renew, a fair queue across tasks ordered by (priority, enqueue time), and a release that hands
 * the slot to the head waiter inside the same script and wakes its task by pub/sub.
 */
export class DistributedSemaphore implements ConcurrencyLimiter {
  readonly name: string;
  readonly limit: number;
  readonly leaseTtlMs: number;
  private readonly instanceId = randomBytes(6).toString('hex');
  private readonly scripts: SemaphoreScripts;
  private readonly redis: SharedRedis;
  private readonly channel: string;
  private readonly logger: LimiterLogger;
  private readonly recorder = new WaitRecorder();
  private readonly waiters = new Map<string, RemoteWaiter>();
  /** member → owner, for the leases this task holds and must renew. */
  private readonly leases = new Map<string, string | undefined>();
  private readonly inflight = new Set<Promise<unknown>>();
  private readonly subscribed: Promise<void>;
  private isSubscribed = false;
  private readonly pollTimer: NodeJS.Timeout;
  private readonly stopReadyListener: () => void;
  private wakeTimer: NodeJS.Timeout | undefined;
  private wakeAtMs = Infinity;
  private lastRenewMs = Date.now();
  private localCounter = 0;
  private ticking = false;
  private tickAgain = false;
  private closed = false;

  constructor(opts: DistributedSemaphoreOptions) {
    if (!Number.isInteger(opts.limit) || opts.limit < 1) throw new RangeError(`${opts.name}: limit must be an integer >= 1`);
    this.name = opts.name;
    this.limit = opts.limit;
    this.leaseTtlMs = opts.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS;
    if (!(this.leaseTtlMs >= 300)) throw new RangeError(`${opts.name}: leaseTtlMs must be >= 300`);
    this.redis = opts.redis;
    this.logger = opts.logger ?? silentLogger;
    const keys = semaphoreKeys(opts.keyPrefix ?? DEFAULT_KEY_PREFIX, opts.name);
    this.channel = keys.channel;
    this.scripts = new SemaphoreScripts(this.redis.command, keys, this.limit, this.leaseTtlMs);
    this.redis.retain();
    // The first enqueue waits for one subscribe attempt only; if it failed (Redis down at start-up),
    // grants still arrive by the poll while the subscription is retried in the background.
    this.subscribed = this.subscribeUntilDone(0);
    const renewEveryMs = this.leaseTtlMs / 3;
    const pollMs = Math.min(opts.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS, renewEveryMs);
    this.pollTimer = setInterval(() => {
      if (this.waiters.size > 0 || Date.now() - this.lastRenewMs >= renewEveryMs - pollMs / 2) this.tick();
    }, pollMs);
    this.pollTimer.unref();
    this.stopReadyListener = this.redis.onReady(() => this.tick());
  }

  acquire(opts: AcquireOptions = {}): Promise<Lease> {
    const refused = refuseBeforeQueue(this.name, opts, this.closed, this.recorder);
    if (refused) return refused;
    const tryOnly = opts.timeoutMs === 0;
    return new Promise<Lease>((resolve, reject) => {
      const waiter: RemoteWaiter = {
        localId: String(++this.localCounter),
        priority: opts.priority,
        tryOnly,
        owner: opts.owner,
        startedMs: performance.now(),
        resolve,
        reject,
        state: 'pending',
        member: undefined,
        score: undefined,
        dispose: () => undefined,
      };
      this.waiters.set(waiter.localId, waiter);
      // A zero timeout means "only if free now": decided by the enqueue reply, not a 0 ms timer
      // that would always beat the Redis round trip.
      const watched = tryOnly ? { ...opts, timeoutMs: undefined } : opts;
      waiter.dispose = watchCancellation(this.name, watched, (err, kind) => this.cancel(waiter, err, kind));
      this.track(this.enqueue(waiter));
    });
  }

  async stats(): Promise<LimiterStats> {
    await Promise.allSettled([...this.inflight]);
    const { inUse, queued } = await this.scripts.counts();
    return {
      name: this.name,
      limit: this.limit,
      inUse,
      queued,
      localInUse: this.leases.size,
      localQueued: this.waiters.size,
      waitMs: this.recorder.percentiles(),
      acquired: this.recorder.acquired,
      timeouts: this.recorder.timeouts,
      aborts: this.recorder.aborts,
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.stopTimers();
    for (const w of [...this.waiters.values()]) this.cancel(w, new LimiterClosedError(this.name), 'close');
    for (const member of [...this.leases.keys()]) this.releaseLease(member);
    this.closed = true;
    await Promise.allSettled([...this.inflight]);
    await this.redis.unsubscribe(this.channel);
    await this.redis.releaseRef();
  }

  /**
   * Stops timers and drops the Redis connections without releasing anything — what kill -9 does
   * to a task. Its leases stay in Redis until their TTL runs out. For tests and chaos drills.
   */
  abandon(): void {
    this.stopTimers();
    this.closed = true;
    for (const w of this.waiters.values()) {
      w.state = 'cancelled';
      w.dispose();
      w.reject(new LimiterClosedError(this.name));
    }
    this.waiters.clear();
    this.leases.clear();
    this.redis.disconnectNow();
  }

  private subscribeUntilDone(attempt: number): Promise<void> {
    return this.redis.subscribe(this.channel, (m) => this.onGrantMessage(m)).then(
      () => {
        this.isSubscribed = true;
        if (attempt > 0) this.tick(); // collect anything granted while we were deaf
      },
      (err: unknown) => {
        if (attempt === 0) this.logger.warn({ limiter: this.name, err: String(err) }, 'capacity: subscribe failed, retrying');
        if (this.closed) return;
        setTimeout(() => {
          if (!this.closed) void this.subscribeUntilDone(attempt + 1);
        }, Math.min(5000, 100 * 2 ** attempt)).unref();
      },
    );
  }

  private stopTimers(): void {
    clearInterval(this.pollTimer);
    if (this.wakeTimer !== undefined) clearTimeout(this.wakeTimer);
    this.wakeTimer = undefined;
    this.stopReadyListener();
  }

  private async enqueue(w: RemoteWaiter): Promise<void> {
    // Once subscribed, send without yielding, so a task's commands reach Redis in call order.
    if (!this.isSubscribed) await this.subscribed;
    for (let attempt = 0; ; attempt += 1) {
      if (w.state === 'cancelled') return; // never reached Redis: nothing to undo
      try {
        const r = await this.scripts.enqueue(w.priority, this.instanceId, w.localId);
        w.score ??= w.priority ?? r.serverNowMs;
        const state = stateOf(w); // may have changed while the script ran
        if (state === 'cancelled') {
          this.leave(r.member); // gave up while the script ran: withdraw (or hand the slot on)
        } else if (state === 'granted') {
          if (w.member !== r.member) this.leave(r.member);
        } else if (r.granted) {
          this.grant(w, r.member);
        } else if (w.tryOnly) {
          w.member = r.member;
          this.cancel(w, new LimiterTimeoutError(this.name, 0), 'timeout');
        } else {
          w.member = r.member;
          this.scheduleWake(r.untilExpiryMs);
        }
        return;
      } catch (err) {
        // Redis unreachable (restart, failover): keep trying until the caller's timeout or abort.
        // If the script did run and only the reply was lost, that orphan entry stops heartbeating
        // and is purged within the TTL; a grant for it is handed back (onGrantMessage).
        if (attempt === 0) this.logger.warn({ limiter: this.name, err: String(err) }, 'capacity: enqueue failed, retrying');
        await unrefSleep(Math.min(1000, 50 * 2 ** attempt));
      }
    }
  }

  private grant(w: RemoteWaiter, member: string): void {
    if (w.state !== 'pending') {
      if (w.member !== member) this.leave(member);
      return;
    }
    if (w.member !== undefined && w.member !== member) this.leave(w.member);
    w.state = 'granted';
    w.member = member;
    w.dispose();
    this.waiters.delete(w.localId);
    this.leases.set(member, w.owner);
    this.recorder.recordAcquired(performance.now() - w.startedMs);
    w.resolve({ id: member, release: async () => this.releaseLease(member) });
  }

  private cancel(w: RemoteWaiter, err: Error, kind: CancelKind | 'close'): void {
    if (w.state !== 'pending') return;
    w.state = 'cancelled';
    w.dispose();
    this.waiters.delete(w.localId);
    if (kind === 'timeout') this.recorder.timeouts += 1;
    else if (kind === 'abort') this.recorder.aborts += 1;
    w.reject(err);
    // Leave the queue now; if the member is not known yet, enqueue() withdraws it on reply.
    if (w.member !== undefined) this.leave(w.member);
  }

  private releaseLease(member: string): Promise<void> {
    if (!this.leases.delete(member)) return Promise.resolve();
    return this.leave(member);
  }

  /** Releases a lease or withdraws a waiter in Redis. Never rejects: a lost release expires. */
  private leave(member: string): Promise<void> {
    const op = this.scripts.release(member).then(
      () => undefined,
      (err: unknown) => {
        this.logger.warn({ limiter: this.name, err: String(err) }, 'capacity: release failed; lease expires with its TTL');
      },
    );
    this.track(op);
    return op;
  }

  private onGrantMessage(member: string): void {
    const [, instanceId, localId] = member.split(':');
    if (instanceId !== this.instanceId || localId === undefined) return;
    const w = this.waiters.get(localId);
    if (w !== undefined) this.grant(w, member);
    else if (!this.leases.has(member)) this.leave(member); // its waiter gave up: hand it on
  }

  /** Renew leases, heartbeat waiters, collect grants whose message was lost. Never overlaps. */
  private tick(): void {
    if (this.closed) return;
    if (this.ticking) {
      this.tickAgain = true;
      return;
    }
    this.ticking = true;
    const leaseMembers = [...this.leases.keys()];
    const waiting: TickWaiter[] = [];
    for (const w of this.waiters.values()) {
      if (w.member !== undefined && w.score !== undefined) waiting.push({ member: w.member, score: w.score });
    }
    const startedMs = Date.now();
    const op = this.scripts.tick(leaseMembers, waiting).then(
      (r) => {
        this.lastRenewMs = startedMs;
        if (r.reregistered > 0 || r.requeued > 0) {
          this.logger.warn(
            { limiter: this.name, reregistered: r.reregistered, requeued: r.requeued },
            'capacity: Redis had lost leases or waiters of this task; restored them',
          );
        }
        for (const member of r.granted) {
          const localId = member.split(':')[2];
          const w = localId === undefined ? undefined : this.waiters.get(localId);
          if (w !== undefined) this.grant(w, member);
          else if (!this.leases.has(member)) this.leave(member);
        }
        if (this.waiters.size > 0) this.scheduleWake(r.untilExpiryMs);
      },
      (err: unknown) => {
        this.logger.warn({ limiter: this.name, err: String(err) }, 'capacity: renew/poll failed; retrying next tick');
      },
    );
    this.track(
      op.finally(() => {
        this.ticking = false;
        if (this.tickAgain) {
          this.tickAgain = false;
          this.tick();
        }
      }),
    );
  }

  /** Look again right when the earliest lease expires (a dead task's slot), if before the poll. */
  private scheduleWake(untilExpiryMs: number): void {
    if (untilExpiryMs < 0 || this.closed) return;
    const atMs = Date.now() + untilExpiryMs + 5;
    if (atMs >= this.wakeAtMs) return;
    if (this.wakeTimer !== undefined) clearTimeout(this.wakeTimer);
    this.wakeAtMs = atMs;
    this.wakeTimer = setTimeout(() => {
      this.wakeTimer = undefined;
      this.wakeAtMs = Infinity;
      if (this.waiters.size > 0) this.tick();
    }, untilExpiryMs + 5);
    this.wakeTimer.unref();
  }

  private track(op: Promise<unknown>): void {
    this.inflight.add(op);
    void op.finally(() => this.inflight.delete(op));
  }
}
