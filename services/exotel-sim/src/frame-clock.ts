import { performance } from 'node:perf_hooks';
import { FRAME_MS } from './audio/pcm-format';

export type TickListener = (nowMs: number) => void;

/**
 * One timer per process that ticks every 100 ms and serves every simulated call: hundreds of
 * per-call intervals would wake the event loop hundreds of times per frame. The schedule corrects
 * for drift (targets start + n*100 ms); when the loop is too busy to keep up it skips ahead rather
 * than bursting, as a real network would deliver late frames rather than extra ones. The timer
 * runs only while something listens, so an idle process (or a jest worker) can exit.
 */
export class FrameClock {
  private readonly listeners = new Set<TickListener>();
  private timer: NodeJS.Timeout | undefined;
  private nextTickAtMs = 0;
  private maxLagMsSeen = 0;

  constructor(private readonly periodMs: number = FRAME_MS) {}

  subscribe(listener: TickListener): () => void {
    this.listeners.add(listener);
    if (this.timer === undefined) {
      this.nextTickAtMs = performance.now() + this.periodMs;
      this.schedule();
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0 && this.timer !== undefined) {
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
    return this.listeners.size;
  }

  private schedule(): void {
    const delayMs = Math.max(0, this.nextTickAtMs - performance.now());
    this.timer = setTimeout(() => this.tick(), delayMs);
  }

  private tick(): void {
    const nowMs = performance.now();
    const lagMs = nowMs - this.nextTickAtMs;
    if (lagMs > this.maxLagMsSeen) this.maxLagMsSeen = lagMs;
    this.nextTickAtMs += this.periodMs;
    if (this.nextTickAtMs < nowMs) this.nextTickAtMs = nowMs + this.periodMs;
    // Copy: a listener may unsubscribe (call ended) while we iterate.
    for (const listener of [...this.listeners]) listener(nowMs);
    if (this.listeners.size > 0) this.schedule();
    else this.timer = undefined;
  }
}

/** The clock every call in this process shares unless a test injects its own. */
export const sharedFrameClock = new FrameClock();

export function monotonicNowMs(): number {
  return performance.now();
}
