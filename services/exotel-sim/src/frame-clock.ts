import { FRAME_MS } from './audio/pcm-format';

export type TickListener = (nowMs: number) => void;

/**
 * One timer per process serves every simulated call: hundreds of per-call intervals would wake
 * the event loop hundreds of times per frame. Each call still gets a tick every 100 ms, but calls
 * are spread over `slotCount` phases (a tick every 10 ms serves one phase): real Exotel streams
 * start at random moments, so their frames reach the bot spread over the 100 ms, not as one burst
 * of every call's frame at once (which would measure the burst, not the bot). The schedule
 * corrects for drift (targets start + n*tick); when the loop is too busy to keep up it skips
 * ahead rather than bursting, as a real network would deliver late frames rather than extra
 * ones. The timer runs only while something listens, so an idle process (or a jest worker) can
 * exit. It reads the global `performance` (the same clock as node:perf_hooks'), which jest's fake
 * timers replace, so its schedule can be tested without the test machine's timer jitter.
 */
export class FrameClock {
  private readonly slots: Array<Set<TickListener>>;
  private readonly slotOf = new Map<TickListener, Set<TickListener>>();
  private readonly tickMs: number;
  private nextSlot = 0;
  private timer: NodeJS.Timeout | undefined;
  private nextTickAtMs = 0;
  private maxLagMsSeen = 0;

  constructor(periodMs: number = FRAME_MS, slotCount = 10) {
    const slots = Math.max(1, Math.floor(slotCount));
    this.tickMs = periodMs / slots;
    this.slots = Array.from({ length: slots }, () => new Set<TickListener>());
  }

  /** Joins the least-loaded phase, so calls stay evenly spread as they come and go. */
  subscribe(listener: TickListener): () => void {
    let slot = this.slots[0] as Set<TickListener>;
    for (const s of this.slots) if (s.size < slot.size) slot = s;
    slot.add(listener);
    this.slotOf.set(listener, slot);
    if (this.timer === undefined) {
      this.nextTickAtMs = performance.now() + this.tickMs;
      this.schedule();
    }
    return () => {
      this.slotOf.get(listener)?.delete(listener);
      this.slotOf.delete(listener);
      if (this.slotOf.size === 0 && this.timer !== undefined) {
        clearTimeout(this.timer);
        this.timer = undefined;
      }
    };
  }

  /** The worst lateness of a tick so far: a high value means the simulator itself was overloaded. */
  get maxLagMs(): number {
    return this.maxLagMsSeen;
  }

  get listenerCount(): number {
    return this.slotOf.size;
  }

  /** Calls per phase. */
  get phaseLoads(): number[] {
    return this.slots.map((s) => s.size);
  }

  private schedule(): void {
    const delayMs = Math.max(0, this.nextTickAtMs - performance.now());
    this.timer = setTimeout(() => this.tick(), delayMs);
  }

  private tick(): void {
    const nowMs = performance.now();
    const lagMs = nowMs - this.nextTickAtMs;
    if (lagMs > this.maxLagMsSeen) this.maxLagMsSeen = lagMs;
    this.nextTickAtMs += this.tickMs;
    if (this.nextTickAtMs < nowMs) this.nextTickAtMs = nowMs + this.tickMs;
    const slot = this.slots[this.nextSlot] as Set<TickListener>;
    this.nextSlot = (this.nextSlot + 1) % this.slots.length;
    // Copy: a listener may unsubscribe (call ended) while we iterate.
    if (slot.size > 0) for (const listener of [...slot]) listener(nowMs);
    if (this.slotOf.size > 0) this.schedule();
    else this.timer = undefined;
  }
}

/** The clock every call in this process shares unless a test injects its own. */
export const sharedFrameClock = new FrameClock();

export function monotonicNowMs(): number {
  return performance.now();
}
