import { bytesToMs } from '../audio/pcm-format';

export type MarksOnClear = 'return' | 'drop';

interface PendingMark {
  name: string;
  /** When the audio queued before this mark finishes playing. */
  dueAtMs: number;
}

/**
 * Exotel's playback of the service's audio, modelled in time rather than bytes: audio plays at
 * 8000 samples/s from when it arrives (or from when the audio ahead of it ends), so the buffer is
 * simply "the time the queued audio runs out". Pure: every method takes the current time.
 */
export class PlayoutBuffer {
  private playoutEndMs = Number.NEGATIVE_INFINITY;
  private pending: PendingMark[] = [];

  constructor(private readonly marksOnClear: MarksOnClear = 'return') {}

  /** Queues agent audio; returns when it starts playing and whether the buffer had run dry. */
  enqueueAudio(bytes: number, nowMs: number): { startsAtMs: number; wasDry: boolean; drainedAtMs: number } {
    const drainedAtMs = this.playoutEndMs;
    const wasDry = drainedAtMs <= nowMs;
    const startsAtMs = wasDry ? nowMs : drainedAtMs;
    this.playoutEndMs = startsAtMs + bytesToMs(bytes);
    return { startsAtMs, wasDry, drainedAtMs };
  }

  /**
   * Queues a mark. With nothing left to play it is due at once; otherwise when the audio queued
   * before it has played.
   */
  queueMark(name: string, nowMs: number): void {
    this.pending.push({ name, dueAtMs: Math.max(nowMs, this.playoutEndMs) });
  }

  /** Marks whose audio has played by `nowMs`, in the order they were received. */
  takeDueMarks(nowMs: number): Array<{ name: string; dueAtMs: number }> {
    let n = 0;
    while (n < this.pending.length && (this.pending[n]?.dueAtMs ?? Infinity) <= nowMs) n++;
    if (n === 0) return [];
    return this.pending.splice(0, n);
  }

  /** Drops queued audio (barge-in). Returns the marks to send back now (none with 'drop'). */
  clear(nowMs: number): string[] {
    if (this.playoutEndMs > nowMs) this.playoutEndMs = nowMs;
    const names = this.pending.map((m) => m.name);
    this.pending = [];
    return this.marksOnClear === 'return' ? names : [];
  }

  bufferedMs(nowMs: number): number {
    return Math.max(0, this.playoutEndMs - nowMs);
  }

  isPlaying(nowMs: number): boolean {
    return this.playoutEndMs > nowMs;
  }

  /** When the queued audio runs (or ran) out; -Infinity before any audio. */
  get drainsAtMs(): number {
    return this.playoutEndMs;
  }

  get pendingMarkCount(): number {
    return this.pending.length;
  }
}
