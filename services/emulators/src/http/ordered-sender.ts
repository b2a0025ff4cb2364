/**
 * Sends messages in the order they were queued, each no earlier than its own delay: a final
 * delayed by "processing time" must not be overtaken by a later UtteranceEnd or interim.
 */
export class OrderedSender<T> {
  private readonly queue: Array<{ item: T; readyAt: number }> = [];
  private timer: NodeJS.Timeout | undefined;
  private lastReadyAt = 0;
  private stopped = false;
  private readonly idleWaiters: Array<() => void> = [];

  constructor(private readonly send: (item: T) => void) {}

  enqueue(item: T, delayMs = 0): void {
    if (this.stopped) return;
    const readyAt = Math.max(Date.now() + delayMs, this.lastReadyAt);
    this.lastReadyAt = readyAt;
    this.queue.push({ item, readyAt });
    this.pump();
  }

  /** Resolves once everything queued so far has been sent (or the sender stopped). */
  drained(): Promise<void> {
    if (this.queue.length === 0 || this.stopped) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  stop(): void {
    this.stopped = true;
    this.queue.length = 0;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.notifyIdle();
  }

  private pump(): void {
    if (this.timer !== undefined || this.stopped) return;
    const now = Date.now();
    while (this.queue.length > 0) {
      const head = this.queue[0];
      if (head === undefined) break;
      if (head.readyAt > now) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.pump();
        }, head.readyAt - now);
        return;
      }
      this.queue.shift();
      this.send(head.item);
      if (this.stopped) return;
    }
    this.notifyIdle();
  }

  private notifyIdle(): void {
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
