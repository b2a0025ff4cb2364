/**
 * The audio format Exotel streams by default: raw/slin, 16-bit little-endian mono PCM at 8 kHz
 * (see /work/shared/protocols/exotel.md). Exotel sends a frame roughly every 100 ms.
 */
export const SAMPLE_RATE_HZ = 8000;
export const BYTES_PER_SAMPLE = 2;
export const FRAME_MS = 100;
export const BYTES_PER_MS = (SAMPLE_RATE_HZ * BYTES_PER_SAMPLE) / 1000;
export const FRAME_BYTES = FRAME_MS * BYTES_PER_MS;
export const BIT_RATE = `${(SAMPLE_RATE_HZ * BYTES_PER_SAMPLE * 8) / 1000}kbps`;

export function bytesToMs(bytes: number): number {
  return bytes / BYTES_PER_MS;
}
