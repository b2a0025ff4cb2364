/** One server-sent event: its `event:` field (null when absent) and its `data:` lines joined by "\n". */
export type SseReceiver = (data: string, event: string | null) => void;

const LF = 0x0a;
const CR = 0x0d;

/**
 * A push-based text/event-stream decoder (the WHATWG parsing rules: LF, CRLF or CR end a line; a
 * blank line dispatches; `:` lines are comments; one leading space after the colon is dropped).
 *
 * Why not the SDK's decoder: at 200 calls the openai SDK's stream (a chain of async generators,
 * several promises per token) was 6% of the voice process's CPU. Here each body chunk is split in
 * one pass and each complete event is handed on in the same turn.
 *
 * Lines are cut at byte level (CR and LF never occur inside a UTF-8 sequence), so a character
 * split across two chunks is decoded once its line is whole.
 */
export class SseDecoder {
  private partial: Buffer | undefined;
  /** A chunk ended in CR: a LF opening the next chunk belongs to that line end. */
  private skipLeadingLf = false;
  private data: string[] = [];
  private event: string | null = null;

  constructor(
    private readonly onEvent: SseReceiver,
    /** A line longer than this is a broken stream, not a slow one. */
    private readonly maxLineBytes = 1024 * 1024,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    if (this.skipLeadingLf) {
      this.skipLeadingLf = false;
      if (chunk[0] === LF) start = 1;
    }
    // Line ends found with Buffer#indexOf (memchr), not a loop over every byte in JavaScript:
    // OpenAI ends lines with LF only, so the CR search usually runs once and finds nothing.
    let cr = chunk.indexOf(CR, start);
    while (start < chunk.length) {
      if (cr !== -1 && cr < start) cr = chunk.indexOf(CR, start);
      const lf = chunk.indexOf(LF, start);
      const end = cr !== -1 && (lf === -1 || cr < lf) ? cr : lf;
      if (end === -1) break;
      this.line(this.partial === undefined ? chunk.toString('utf8', start, end) : this.joined(chunk, start, end));
      let next = end + 1;
      if (end === cr) {
        if (next === chunk.length) this.skipLeadingLf = true;
        else if (chunk[next] === LF) next++;
      }
      start = next;
    }
    if (start < chunk.length) {
      const rest = chunk.subarray(start);
      this.partial = this.partial === undefined ? Buffer.from(rest) : Buffer.concat([this.partial, rest]);
      if (this.partial.length > this.maxLineBytes) {
        this.partial = undefined;
        throw new Error(`event-stream line longer than ${this.maxLineBytes} bytes`);
      }
    }
  }

  /** The body ended: an event not closed by a blank line is dropped, as the standard says. */
  end(): void {
    this.partial = undefined;
    this.data = [];
    this.event = null;
  }

  private joined(chunk: Buffer, start: number, end: number): string {
    const line = Buffer.concat([this.partial as Buffer, chunk.subarray(start, end)]).toString('utf8');
    this.partial = undefined;
    return line;
  }

  private line(line: string): void {
    if (line.length === 0) {
      if (this.data.length > 0) {
        const data = this.data.length === 1 ? (this.data[0] as string) : this.data.join('\n');
        const event = this.event;
        this.data = [];
        this.event = null;
        this.onEvent(data, event);
      } else {
        this.event = null;
      }
      return;
    }
    if (line.charCodeAt(0) === 0x3a) return; // ':' comment (keep-alive)
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 0x20) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
    // id and retry concern reconnection, which a chat completion stream does not do.
  }
}
