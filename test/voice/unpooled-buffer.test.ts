import { unpooledUtf8 } from '../../services/voice/src/memory/unpooled-buffer';

describe('unpooledUtf8', () => {
  it('holds exactly the UTF-8 bytes of the text in an ArrayBuffer of its own', () => {
    for (const text of ['', 'a', '{"event":"media","stream_sid":"S\\"ü"}', 'नमस्ते — ok', 'x'.repeat(5000)]) {
      const bytes = unpooledUtf8(text);
      expect(bytes.equals(Buffer.from(text, 'utf8'))).toBe(true);
      // Not a view of a larger (pooled) ArrayBuffer: the buffer is all there is to keep alive.
      expect(bytes.byteOffset).toBe(0);
      expect(bytes.buffer.byteLength).toBe(bytes.length);
    }
    // What it avoids: a short Buffer.from is a slice of a shared slab several KB long.
    const pooled = Buffer.from('{"event":"media"}', 'utf8');
    expect(pooled.buffer.byteLength).toBeGreaterThan(pooled.length);
  });
});
