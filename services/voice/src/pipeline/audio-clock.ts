/**
 * Maps STT audio time back to wall-clock time. Deepgram reports word end times in seconds of
 * audio since its stream opened; to time a turn from the moment the caller stopped speaking we
 * need when that audio arrived here. A fixed ring of (byte offset, arrival time) per frame —
 * no allocation per frame.
 *
 * 256 frames is ~25 s of Exotel's ~100 ms frames (5 s even at 20 ms frames), and the word ends we
 * look up are a second or two old. Both columns share one array: the ring used to be two arrays
 * of 600, 9.6 KB of every call's ~100 KB live set (heap snapshot at 200 calls, 2026-12-05).
 */
export const AUDIO_CLOCK_FRAMES = 256;

export class AudioClock {
  /** [offset0, time0, offset1, time1, ...]: byte offset of each frame's start and its arrival. */
  private readonly ring: Float64Array;
  private next = 0;
  private count = 0;
  private totalBytes = 0;

  constructor(
    private readonly bytesPerSecond = 16_000,
    private readonly capacity = AUDIO_CLOCK_FRAMES,
  ) {
    this.ring = new Float64Array(capacity * 2);
  }

  /** Records a frame of `bytes` sent to STT, received at `atMs`. */
  record(bytes: number, atMs: number): void {
    this.ring[this.next * 2] = this.totalBytes;
    this.ring[this.next * 2 + 1] = atMs;
    this.next = (this.next + 1) % this.capacity;
    if (this.count < this.capacity) this.count++;
    this.totalBytes += bytes;
  }

  /** A new STT stream starts its audio time at zero. */
  reset(): void {
    this.next = 0;
    this.count = 0;
    this.totalBytes = 0;
  }

  /** Wall time at which audio second `audioSec` arrived; undefined when out of the window. */
  wallTimeOf(audioSec: number): number | undefined {
    const target = audioSec * this.bytesPerSecond;
    if (this.count === 0 || target > this.totalBytes) return undefined;
    const cap = this.capacity;
    // newest first: word ends are nearly always in the last second or two
    for (let i = 1; i <= this.count; i++) {
      const idx = (this.next - i + cap) % cap;
      const off = this.ring[idx * 2]!;
      if (off <= target) return this.ring[idx * 2 + 1]! + ((target - off) / this.bytesPerSecond) * 1000;
    }
    return undefined;
  }
}
