/**
 * Detects agent audio that arrived after Exotel's playout buffer ran dry in the middle of an
 * agent utterance: the caller hears a gap or a stall. An utterance ends (so the next audio starts
 * a new one, not a late frame) when
 *  - a mark was returned and then more than 300 ms passed without audio (the spec's rule), or
 *  - the buffer was cleared (barge-in), or
 *  - the caller spoke (or pressed a key) after the buffer ran dry (a new turn: without this, a service that sends
 *    no marks would have every reply counted as one long late frame).
 */
export const UTTERANCE_END_SILENCE_MS = 300;

export interface LateFrameStats {
  count: number;
  totalGapMs: number;
  maxGapMs: number;
}

export class LateFrameDetector {
  private inUtterance = false;
  private lastMarkReturnedAtMs = Number.NEGATIVE_INFINITY;
  private lastCallerSpeechAtMs = Number.NEGATIVE_INFINITY;
  readonly stats: LateFrameStats = { count: 0, totalGapMs: 0, maxGapMs: 0 };

  markReturned(playedAtMs: number): void {
    this.lastMarkReturnedAtMs = playedAtMs;
  }

  cleared(): void {
    this.inUtterance = false;
  }

  callerSpoke(atMs: number): void {
    this.lastCallerSpeechAtMs = atMs;
  }

  /**
   * Called for each agent media frame before it is queued; `drainedAtMs` is when the buffer ran
   * dry (only meaningful when `wasDry`). Returns the gap in ms if this frame was late, else 0.
   */
  agentAudio(nowMs: number, wasDry: boolean, drainedAtMs: number): number {
    if (!this.inUtterance) {
      this.inUtterance = true;
      return 0;
    }
    if (!wasDry) return 0;
    const markEnded =
      this.lastMarkReturnedAtMs >= drainedAtMs - 1 && nowMs - this.lastMarkReturnedAtMs > UTTERANCE_END_SILENCE_MS;
    const callerTookTurn = this.lastCallerSpeechAtMs > drainedAtMs;
    if (markEnded || callerTookTurn) return 0; // a new utterance starts with this frame
    const gapMs = nowMs - drainedAtMs;
    this.stats.count += 1;
    this.stats.totalGapMs += gapMs;
    if (gapMs > this.stats.maxGapMs) this.stats.maxGapMs = gapMs;
    return gapMs;
  }
}
