/**
 * What the caller has actually heard. Each spoken segment (a sentence) is sent as audio frames
 * followed by a `mark`; Exotel echoes the mark once the audio before it has played. On
 * barge-in, fully acknowledged segments were heard, the one playing was heard in part
 * (estimated from how long it had been playing), and the rest never reached the caller.
 */
export interface PlaybackSegment {
  markName: string;
  text: string;
  audioMs: number;
  acknowledged: boolean;
}

export class PlaybackTracker {
  private segments: PlaybackSegment[] = [];
  /** When the first unacknowledged segment started playing (wall ms), if known. */
  private playingSinceMs: number | undefined;
  private markCounter = 0;

  constructor(private readonly callTag: string) {}

  /** Registers a segment whose audio has just been queued; returns the mark name to send. */
  add(text: string, audioMs: number, nowMs: number): string {
    const markName = `${this.callTag}-${++this.markCounter}`;
    if (this.pendingCount === 0) this.playingSinceMs = nowMs;
    this.segments.push({ markName, text, audioMs, acknowledged: false });
    return markName;
  }

  /** Exotel echoed a mark. Returns false for marks we no longer track (e.g. after a clear). */
  acknowledge(markName: string, nowMs: number): boolean {
    const seg = this.segments.find((s) => s.markName === markName && !s.acknowledged);
    if (!seg) return false;
    seg.acknowledged = true;
    this.playingSinceMs = nowMs;
    return true;
  }

  get pendingCount(): number {
    let n = 0;
    for (const s of this.segments) if (!s.acknowledged) n++;
    return n;
  }

  /** True while audio we sent has not been confirmed played. */
  get isPlaying(): boolean {
    return this.pendingCount > 0;
  }

  /**
   * Ends the current utterance (played out or interrupted) and returns the text the caller heard.
   * `interruptedAtMs` set: the first pending segment is cut at the estimated play position.
   */
  finish(interruptedAtMs?: number): { heardText: string; interrupted: boolean } {
    const heard: string[] = [];
    let interrupted = false;
    let partialDone = false;
    for (const seg of this.segments) {
      if (seg.acknowledged) {
        heard.push(seg.text);
        continue;
      }
      interrupted = true;
      if (interruptedAtMs !== undefined && !partialDone && this.playingSinceMs !== undefined && seg.audioMs > 0) {
        partialDone = true;
        const fraction = Math.min(1, Math.max(0, (interruptedAtMs - this.playingSinceMs) / seg.audioMs));
        const words = seg.text.split(/\s+/);
        const count = Math.floor(words.length * fraction);
        if (count > 0) heard.push(`${words.slice(0, count).join(' ')}…`);
      }
    }
    this.segments = [];
    this.playingSinceMs = undefined;
    return { heardText: heard.join(' ').trim(), interrupted };
  }
}
