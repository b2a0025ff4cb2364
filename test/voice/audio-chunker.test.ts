import { AudioChunker, isValidChunkSize, MAX_CHUNK_BYTES, paddedChunkSize } from '../../services/voice/src/exotel/audio-chunker';

describe('AudioChunker (Exotel chunk rules)', () => {
  it('emits only frames that are multiples of 320 bytes, at least 3,200 and at most 100 kB', () => {
    const c = new AudioChunker();
    const out: Buffer[] = [];
    for (const n of [1, 777, 3199, 5000, 12_345, 2, 640]) out.push(...c.push(Buffer.alloc(n, 7)));
    out.push(...c.flush());
    expect(out.length).toBeGreaterThan(0);
    for (const f of out) expect(isValidChunkSize(f.length)).toBe(true);
    expect(MAX_CHUNK_BYTES % 320).toBe(0);
    expect(MAX_CHUNK_BYTES).toBeLessThanOrEqual(100_000);
  });

  it('keeps every byte in order and pads only the tail with silence', () => {
    const c = new AudioChunker();
    const input = Buffer.from(Array.from({ length: 7001 * 2 }, (_, i) => (i % 250) + 1));
    const out = Buffer.concat([...c.push(input.subarray(0, 5000)), ...c.push(input.subarray(5000)), ...c.flush()]);
    expect(out.subarray(0, input.length).equals(input)).toBe(true);
    expect(out.subarray(input.length).every((b) => b === 0)).toBe(true);
    // 14,002 bytes = four full 3,200-byte frames + 1,202 bytes padded to one more 3,200-byte frame
    expect(out.length).toBe(4 * 3200 + paddedChunkSize(14_002 - 4 * 3200));
    expect(out.length).toBe(16_000);
  });

  it('pads a short last chunk up to the 3,200-byte minimum', () => {
    const c = new AudioChunker();
    expect(c.push(Buffer.alloc(100, 1))).toEqual([]);
    const [tail] = c.flush();
    expect(tail?.length).toBe(3200);
    expect(c.flush()).toEqual([]);
  });

  it('refuses an invalid streaming chunk size', () => {
    expect(() => new AudioChunker(3000)).toThrow(/invalid/);
    expect(() => new AudioChunker(320)).toThrow(/invalid/);
  });
});
