import { SseDecoder } from '../../services/voice/src/providers/http/sse-decoder';

type Event = [data: string, event: string | null];

function decode(chunks: Buffer[]): Event[] {
  const out: Event[] = [];
  const decoder = new SseDecoder((data, event) => out.push([data, event]));
  for (const c of chunks) decoder.push(c);
  decoder.end();
  return out;
}

/** Every way of cutting `bytes` in two, plus one chunk per byte. */
function cuts(bytes: Buffer): Buffer[][] {
  const all: Buffer[][] = [[bytes]];
  for (let i = 1; i < bytes.length; i++) all.push([bytes.subarray(0, i), bytes.subarray(i)]);
  all.push([...bytes].map((b) => Buffer.from([b])));
  return all;
}

describe('SseDecoder (text/event-stream, pushed)', () => {
  const stream = Buffer.from(
    ': keep-alive\n' +
      'data: {"choices":[{"delta":{"content":"Namaste — "}}]}\r\n\r\n' +
      'event: note\rdata:first\rdata: second\r\r' +
      'data: नमस्ते €\n\n' +
      'event: crlf\r\ndata: one\r\ndata: two\r\n\r\n' +
      'data\n\n' +
      'id: 7\nretry: 10\ndata: [DONE]\n\n' +
      'data: never closed by a blank line',
    'utf8',
  );
  const expected: Event[] = [
    ['{"choices":[{"delta":{"content":"Namaste — "}}]}', null],
    ['first\nsecond', 'note'],
    ['नमस्ते €', null],
    ['one\ntwo', 'crlf'],
    ['', null],
    ['[DONE]', null],
  ];

  it('decodes LF, CRLF and CR line ends, multi-line data, comments and the event field', () => {
    expect(decode([stream])).toEqual(expected);
  });

  it('gives the same events however the body is cut into chunks (CRLF and UTF-8 split across chunks included)', () => {
    for (const chunks of cuts(stream)) expect(decode(chunks)).toEqual(expected);
  });

  it('hands each event on in the same turn as the chunk that completed it', () => {
    const got: string[] = [];
    const decoder = new SseDecoder((data) => got.push(data));
    decoder.push(Buffer.from('data: a\n\ndata: b'));
    expect(got).toEqual(['a']);
    decoder.push(Buffer.from('\n\n'));
    expect(got).toEqual(['a', 'b']);
  });

  it('an event name does not leak into the next event', () => {
    expect(decode([Buffer.from('event: x\n\ndata: y\n\n')])).toEqual([['y', null]]);
  });

  it('refuses a line that grows past the bound instead of buffering without end', () => {
    const decoder = new SseDecoder(() => undefined, 64);
    decoder.push(Buffer.from('data: ' + 'x'.repeat(40)));
    expect(() => decoder.push(Buffer.from('y'.repeat(40)))).toThrow(/longer than 64 bytes/);
  });

  it('a receiver that throws stops the push with its error', () => {
    const decoder = new SseDecoder(() => {
      throw new Error('consumer failed');
    });
    expect(() => decoder.push(Buffer.from('data: a\n\n'))).toThrow('consumer failed');
  });
});
