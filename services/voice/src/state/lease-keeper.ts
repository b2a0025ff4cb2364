import { silentLogger, type SessionStore, type StateLogger } from './types';

/**
 * Renews the leases of the calls this task holds, all in one round trip, a few times per lease
 * period, so a lease expires only when the task is really gone (or stalled for a whole TTL).
 */
export class LeaseKeeper {
  private readonly calls = new Set<string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly sessions: SessionStore,
    private readonly taskId: string,
    private readonly leaseTtlMs: number,
    private readonly logger: StateLogger = silentLogger,
  ) {}

  track(callSid: string): void {
    this.calls.add(callSid);
    this.ensureTimer();
  }

  untrack(callSid: string): void {
    this.calls.delete(callSid);
  }

  get tracked(): number {
    return this.calls.size;
  }

  async renewNow(): Promise<void> {
    if (this.calls.size === 0) return;
    await this.sessions.renewLeases(this.taskId, [...this.calls], this.leaseTtlMs);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private ensureTimer(): void {
    if (this.timer) return;
    // Three chances per lease period: one slow or failed renewal never loses a call.
    this.timer = setInterval(() => {
      this.renewNow().catch((err: unknown) => this.logger.warn({ err: String(err) }, 'lease renewal failed'));
    }, Math.max(100, Math.floor(this.leaseTtlMs / 3)));
    this.timer.unref();
  }
}
