/**
 * Maps STT audio time back to wall-clock time. Deepgram reports word end times in seconds of
 * audio since its stream opened; to time a turn from the moment the caller stopped speaking we
 * need when that audio arrived here. A fixed ring of (byte offset, arrival time) per frame —
 * no allocation per frame.
 */
export class AudioClock {
  private readonly offsets: Float64Array;
  private readonly times: Float64Array;
  private next = 0;
  private count = 0;
  private totalBytes = 0;

  constructor(
    private readonly bytesPerSecond = 16_000,
    capacity = 600,
  ) {
    this.offsets = new Float64Array(capacity);
    this.times = new Float64Array(capacity);
  }

  /** Records a frame of `bytes` sent to STT, received at `atMs`. */
  record(bytes: number, atMs: number): void {
    this.offsets[this.next] = this.totalBytes;
    this.times[this.next] = atMs;
    this.next = (this.next + 1) % this.offsets.length;
    if (this.count < this.offsets.length) this.count++;
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
    const cap = this.offsets.length;
    // newest first: word ends are nearly always in the last second or two
    for (let i = 1; i <= this.count; i++) {
      const idx = (this.next - i + cap) % cap;
      const off = this.offsets[idx]!;
      if (off <= target) return this.times[idx]! + ((target - off) / this.bytesPerSecond) * 1000;
    }
    return undefined;
  }
}
