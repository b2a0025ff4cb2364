/**
 * Re-chunks agent audio into frames Exotel plays without glitches: a multiple of 320 bytes
 * (20 ms of 8 kHz 16-bit mono), at least 3,200 bytes (200 ms at 8 kHz), at most 100 kB. A short final
 * chunk causes a stall, so the tail is padded with silence (shared/protocols/exotel.md).
 */
export const FRAME_QUANTUM_BYTES = 320;
export const MIN_CHUNK_BYTES = 3200;
export const MAX_CHUNK_BYTES = 100_000 - (100_000 % FRAME_QUANTUM_BYTES);

export class AudioChunker {
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  /** @param chunkBytes size of the frames emitted while streaming (valid per the rules above). */
  constructor(private readonly chunkBytes: number = MIN_CHUNK_BYTES) {
    if (!isValidChunkSize(chunkBytes)) throw new Error(`invalid Exotel chunk size ${chunkBytes}`);
  }

  /** Adds audio; returns the full frames now ready (possibly none). */
  push(pcm: Buffer): Buffer[] {
    if (pcm.length === 0) return [];
    this.pending.push(pcm);
    this.pendingBytes += pcm.length;
    if (this.pendingBytes < this.chunkBytes) return [];
    const all = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
    const out: Buffer[] = [];
    let offset = 0;
    while (all.length - offset >= this.chunkBytes) {
      out.push(all.subarray(offset, offset + this.chunkBytes));
      offset += this.chunkBytes;
    }
    const rest = all.subarray(offset);
    this.pending = rest.length > 0 ? [rest] : [];
    this.pendingBytes = rest.length;
    return out;
  }

  /** Emits what is left, padded with silence to a valid size; empty when nothing is pending. */
  flush(): Buffer[] {
    if (this.pendingBytes === 0) return [];
    const size = paddedChunkSize(this.pendingBytes);
    const frame = Buffer.alloc(size); // zero = silence in signed 16-bit PCM
    let offset = 0;
    for (const b of this.pending) {
      b.copy(frame, offset);
      offset += b.length;
    }
    this.pending = [];
    this.pendingBytes = 0;
    return [frame];
  }

  /** Drops pending audio (barge-in). */
  reset(): void {
    this.pending = [];
    this.pendingBytes = 0;
  }

  get bufferedBytes(): number {
    return this.pendingBytes;
  }
}

export function isValidChunkSize(bytes: number): boolean {
  return bytes % FRAME_QUANTUM_BYTES === 0 && bytes >= MIN_CHUNK_BYTES && bytes <= MAX_CHUNK_BYTES;
}

export function paddedChunkSize(bytes: number): number {
  const rounded = Math.ceil(bytes / FRAME_QUANTUM_BYTES) * FRAME_QUANTUM_BYTES;
  return Math.max(MIN_CHUNK_BYTES, rounded);
}

/** Duration of 8 kHz 16-bit mono PCM. */
export function pcmDurationMs(bytes: number, sampleRate = 8000): number {
  return (bytes / 2 / sampleRate) * 1000;
}
