import { PushBody, type BodySource } from '../../services/voice/src/providers/http/push-body';

/** A request underneath the body that records what the body asked of it. */
function source(): BodySource & { calls: string[]; abortReason?: Error } {
  const s: BodySource & { calls: string[]; abortReason?: Error } = {
    calls: [],
    pause: () => void s.calls.push('pause'),
    resume: () => void s.calls.push('resume'),
    abort: (reason: Error) => {
      s.calls.push('abort');
      s.abortReason = reason;
    },
  };
  return s;
}

const text = (chunks: Buffer[]): string => Buffer.concat(chunks).toString();

describe('PushBody', () => {
  it('keeps chunks that arrive before the reader, then pushes the rest as they come', async () => {
    const body = new PushBody(source());
    body.data(Buffer.from('a'));
    body.data(Buffer.from('b'));
    const got: Buffer[] = [];
    const read = body.pipe((c) => got.push(c));
    expect(text(got)).toBe('ab');
    body.data(Buffer.from('c'));
    expect(text(got)).toBe('abc'); // synchronously, no promise per chunk
    body.end();
    await read;
    expect(body.used).toBe(true);
    expect(body.destroyed).toBe(true);
  });

  it('resolves a reader that arrives after the end with everything kept', async () => {
    const body = new PushBody(source());
    body.data(Buffer.from('all'));
    body.end();
    const got: Buffer[] = [];
    await body.pipe((c) => got.push(c));
    expect(text(got)).toBe('all');
  });

  it('rejects the reader with the request error, kept chunks dropped', async () => {
    const body = new PushBody(source());
    body.data(Buffer.from('lost'));
    body.fail(new Error('socket hang up'));
    const got: Buffer[] = [];
    await expect(body.pipe((c) => got.push(c))).rejects.toThrow('socket hang up');
    expect(got).toEqual([]);
  });

  it('a reader that throws on a live chunk ends the read with its error and cancels the request', async () => {
    const src = source();
    const body = new PushBody(src);
    const read = body.pipe(() => {
      throw new Error('bad audio');
    });
    body.data(Buffer.from('x'));
    await expect(read).rejects.toThrow('bad audio');
    expect(src.calls).toEqual(['abort']);
    expect(src.abortReason?.message).toBe('bad audio');
    body.fail(new Error('aborted by us')); // the request's own report of the abort changes nothing
    body.data(Buffer.from('late'));
  });

  it('a reader that throws on a kept chunk fails even when the request already ended (nothing left to abort)', async () => {
    const src = source();
    const body = new PushBody(src);
    body.data(Buffer.from('event: error'));
    body.end();
    await expect(
      body.pipe(() => {
        throw new Error('stream error: boom');
      }),
    ).rejects.toThrow('stream error: boom');
    expect(src.calls).toEqual([]);
  });

  it('destroy() cancels the request and rejects the reader with an AbortError', async () => {
    const src = source();
    const body = new PushBody(src);
    const read = body.pipe(() => undefined);
    body.destroy();
    const err = await read.catch((e: unknown) => e);
    expect((err as Error).name).toBe('AbortError');
    expect(src.calls).toEqual(['abort']);
  });

  it('allows one reader only', async () => {
    const body = new PushBody(source());
    const first = body.pipe(() => undefined);
    await expect(body.pipe(() => undefined)).rejects.toThrow(/already been consumed/);
    body.end();
    await first;
  });

  it('pauses the request when more than 1 MiB waits for a reader, and resumes it when one comes', async () => {
    const src = source();
    const body = new PushBody(src);
    for (let i = 0; i < 17; i++) body.data(Buffer.alloc(64 * 1024));
    expect(src.calls).toEqual(['pause']);
    let bytes = 0;
    const read = body.pipe((c) => (bytes += c.length));
    expect(src.calls).toEqual(['pause', 'resume']);
    expect(bytes).toBe(17 * 64 * 1024);
    body.end();
    await read;
  });

  it('tells close listeners once: at the end of a read, at a failure, or at once when already over', async () => {
    const body = new PushBody(source());
    const closes: string[] = [];
    body.onClose(() => closes.push('first'));
    const read = body.pipe(() => undefined);
    body.end();
    await read;
    body.onClose(() => closes.push('late'));
    expect(closes).toEqual(['first', 'late']);

    const failed = new PushBody(source());
    failed.onClose(() => closes.push('failed'));
    failed.fail(new Error('reset'));
    expect(closes).toEqual(['first', 'late', 'failed']);
  });

  it('is async-iterable; leaving the loop early cancels the request', async () => {
    const src = source();
    const body = new PushBody(src);
    body.data(Buffer.from('1'));
    setTimeout(() => body.data(Buffer.from('2')), 5);
    const seen: string[] = [];
    for await (const chunk of body) {
      seen.push(chunk.toString());
      if (seen.length === 2) break;
    }
    expect(seen).toEqual(['1', '2']);
    expect(src.calls).toEqual(['abort']);
  });

  it('iteration ends at the end of the body and throws the request error', async () => {
    const ok = new PushBody(source());
    setTimeout(() => {
      ok.data(Buffer.from('x'));
      ok.end();
    }, 5);
    const all: string[] = [];
    for await (const chunk of ok) all.push(chunk.toString());
    expect(all).toEqual(['x']);

    const bad = new PushBody(source());
    setTimeout(() => bad.fail(new Error('other side went away')), 5);
    await expect(
      (async () => {
        for await (const _ of bad) void _;
      })(),
    ).rejects.toThrow('other side went away');
  });
});
