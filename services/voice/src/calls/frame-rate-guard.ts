/**
 * Token bucket on inbound frames. Exotel sends about 10 frames a second; a peer sending hundreds
 * is broken or hostile, and must not starve the other calls on this event loop.
 */
export class FrameRateGuard {
  private tokens: number;
  private lastMs: number;

  constructor(
    private readonly ratePerSec = 60,
    private readonly burst = 200,
    nowMs = Date.now(),
  ) {
    this.tokens = burst;
    this.lastMs = nowMs;
  }

  /** False when the frame exceeds the allowance. */
  take(nowMs: number): boolean {
    const elapsed = nowMs - this.lastMs;
    if (elapsed > 0) {
      this.tokens = Math.min(this.burst, this.tokens + (elapsed * this.ratePerSec) / 1000);
      this.lastMs = nowMs;
    }
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
