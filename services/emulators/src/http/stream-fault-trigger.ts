import type { StreamFault } from '../faults';

/**
 * Fires a mid-stream fault once: after `afterMs` from start(), or when the payload count reaches
 * `afterBytes`, whichever comes first; immediately on start() when neither is set.
 */
export class StreamFaultTrigger {
  private timer: NodeJS.Timeout | undefined;
  private bytes = 0;
  private fired = false;

  constructor(
    private readonly fault: StreamFault | undefined,
    private readonly onTrigger: (fault: StreamFault) => void,
  ) {}

  get triggered(): boolean {
    return this.fired;
  }

  start(): void {
    const fault = this.fault;
    if (fault === undefined) return;
    if (fault.afterMs === undefined && fault.afterBytes === undefined) {
      this.fire();
      return;
    }
    if (fault.afterMs !== undefined) this.timer = setTimeout(() => this.fire(), fault.afterMs);
  }

  addBytes(count: number): void {
    const limit = this.fault?.afterBytes;
    if (limit === undefined || this.fired) return;
    this.bytes += count;
    if (this.bytes >= limit) this.fire();
  }

  cancel(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private fire(): void {
    if (this.fired || this.fault === undefined) return;
    this.fired = true;
    this.cancel();
    this.onTrigger(this.fault);
  }
}
