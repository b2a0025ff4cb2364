import { refuseBeforeQueue, watchCancellation, type CancelKind } from './cancellation';
import {
  LimiterClosedError,
  LimiterTimeoutError,
  type AcquireOptions,
  type ConcurrencyLimiter,
  type Lease,
  type LimiterStats,
} from './limiter';
import { WaitRecorder } from './wait-stats';
import { WaiterHeap, type HeapEntry } from './waiter-heap';

interface Waiter extends HeapEntry {
  readonly startedMs: number;
  readonly owner: string | undefined;
  readonly resolve: (lease: Lease) => void;
  readonly reject: (err: Error) => void;
  dispose: () => void;
}

/**
 * Exact counting semaphore for one process (the embedded default, and the model the Redis
 * implementation is tested against). A release hands its slot straight to the head waiter, so a
 * slot is never momentarily free while someone is queued and a newcomer cannot barge past.
 */
export class InProcessLimiter implements ConcurrencyLimiter {
  private readonly waiters = new WaiterHeap<Waiter>();
  private readonly leases = new Map<string, string | undefined>();
  private readonly recorder = new WaitRecorder();
  private inUse = 0;
  private seq = 0;
  private leaseCounter = 0;
  private closed = false;

  constructor(
    readonly name: string,
    readonly limit: number,
  ) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`${name}: limit must be an integer >= 1`);
  }

  acquire(opts: AcquireOptions = {}): Promise<Lease> {
    const refused = refuseBeforeQueue(this.name, opts, this.closed, this.recorder);
    if (refused) return refused;
    if (this.inUse < this.limit && this.waiters.size === 0) {
      this.inUse += 1;
      this.recorder.recordAcquired(0);
      return Promise.resolve(this.newLease(opts.owner));
    }
    if (opts.timeoutMs === 0) {
      this.recorder.timeouts += 1;
      return Promise.reject(new LimiterTimeoutError(this.name, 0));
    }
    return new Promise<Lease>((resolve, reject) => {
      const waiter: Waiter = {
        priority: opts.priority ?? Date.now(),
        seq: this.seq++,
        heapIndex: -1,
        startedMs: performance.now(),
        owner: opts.owner,
        resolve,
        reject,
        dispose: () => undefined,
      };
      this.waiters.push(waiter);
      waiter.dispose = watchCancellation(this.name, opts, (err, kind) => this.cancel(waiter, err, kind));
    });
  }

  async stats(): Promise<LimiterStats> {
    return {
      name: this.name,
      limit: this.limit,
      inUse: this.inUse,
      queued: this.waiters.size,
      localInUse: this.inUse,
      localQueued: this.waiters.size,
      waitMs: this.recorder.percentiles(),
      acquired: this.recorder.acquired,
      timeouts: this.recorder.timeouts,
      aborts: this.recorder.aborts,
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.waiters.drain()) {
      w.dispose();
      w.reject(new LimiterClosedError(this.name));
    }
    this.leases.clear();
    this.inUse = 0;
  }

  private cancel(waiter: Waiter, err: Error, kind: CancelKind): void {
    if (!this.waiters.remove(waiter)) return;
    if (kind === 'timeout') this.recorder.timeouts += 1;
    else this.recorder.aborts += 1;
    waiter.reject(err);
  }

  private newLease(owner: string | undefined): Lease {
    const id = `${this.name}:${++this.leaseCounter}`;
    this.leases.set(id, owner);
    return {
      id,
      release: async () => {
        // Idempotent, and a no-op after close() (which already freed every slot).
        if (!this.leases.delete(id)) return;
        this.handOff();
      },
    };
  }

  /** A freed slot goes to the head waiter synchronously, or back to the pool. */
  private handOff(): void {
    const next = this.waiters.pop();
    if (next === undefined) {
      this.inUse -= 1;
      return;
    }
    next.dispose();
    this.recorder.recordAcquired(performance.now() - next.startedMs);
    next.resolve(this.newLease(next.owner));
  }
}
