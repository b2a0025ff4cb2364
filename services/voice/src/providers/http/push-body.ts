/**
 * A response body that hands each chunk, as it comes off the HTTP parser, to one receiver:
 * the body our lean fetch (lean-fetch.ts) returns instead of undici's Readable.
 *
 * Why: a TTS answer is a few dozen chunks at speaking pace and each one went parser → Readable
 * push → 'data' → our receiver. Driving undici's dispatcher with our own handler and calling the
 * receiver straight from it cut the client's CPU per 20-chunk streamed request from ~265 to
 * ~180 µs (same server, same connections; the benchmark in the commit message).
 *
 * Until a receiver attaches (the SDKs await a few steps between the headers and handing us the
 * body) chunks are kept, and the request is paused once more than `MAX_BUFFERED_BYTES` wait, as a
 * Readable's high-water mark would. The async iterator is for code that reads bodies the generic
 * way (the SDKs on error paths, `for await`); breaking out of it cancels the request.
 */

/** Takes each chunk as it arrives; throwing ends the body with that error and cancels the request. */
export type BodyReceiver = (chunk: Buffer) => void;

/** What the body needs from the request underneath it (undici's DispatchController has these). */
export interface BodySource {
  pause(): void;
  resume(): void;
  abort(reason: Error): void;
}

const MAX_BUFFERED_BYTES = 1 << 20;

type State = 'open' | 'ended' | 'failed';

export class PushBody implements AsyncIterable<Buffer> {
  private state: State = 'open';
  private error: Error | undefined;
  private buffered: Buffer[] = [];
  private bufferedBytes = 0;
  private reader: 'none' | 'reading' | 'done' = 'none';
  private receiver: BodyReceiver = noop;
  private settle: { resolve: () => void; reject: (err: Error) => void } | undefined;
  private isClosed = false;
  private closeListeners: Array<() => void> | undefined;
  private pausedByUs = false;

  constructor(private readonly source: BodySource) {}

  /** Whether a reader has taken the body (fetch's `bodyUsed`). */
  get used(): boolean {
    return this.reader !== 'none';
  }

  /** True once the body has been read to its end, has failed or was cancelled. */
  get destroyed(): boolean {
    return this.isClosed;
  }

  // ---- fed by the request ----

  data(chunk: Buffer): void {
    if (this.state !== 'open' || chunk.length === 0) return;
    if (this.reader === 'none') {
      this.buffered.push(chunk);
      this.bufferedBytes += chunk.length;
      if (this.bufferedBytes > MAX_BUFFERED_BYTES && !this.pausedByUs) {
        this.pausedByUs = true;
        this.source.pause();
      }
      return;
    }
    try {
      this.receiver(chunk);
    } catch (err) {
      this.cancel(asError(err));
    }
  }

  end(): void {
    if (this.state !== 'open') return;
    this.state = 'ended';
    if (this.reader === 'reading') this.finish();
  }

  fail(err: Error): void {
    if (this.state !== 'open') return;
    this.state = 'failed';
    this.error = err;
    this.buffered = [];
    this.bufferedBytes = 0;
    if (this.reader === 'reading') this.finish();
    else this.close();
  }

  // ---- read by the consumer ----

  /**
   * Pushes every chunk to `receiver`, the kept ones first. Resolves at the end of the body;
   * rejects with its error (an abort included), or with what the receiver threw. One reader only.
   */
  pipe(receiver: BodyReceiver): Promise<void> {
    if (this.reader !== 'none') return Promise.reject(new TypeError('Body has already been consumed'));
    this.reader = 'reading';
    return new Promise<void>((resolve, reject) => {
      this.settle = { resolve, reject };
      if (this.state === 'failed') {
        this.finish();
        return;
      }
      const kept = this.buffered;
      this.buffered = [];
      this.bufferedBytes = 0;
      for (const chunk of kept) {
        try {
          receiver(chunk);
        } catch (err) {
          this.cancel(asError(err));
          return;
        }
      }
      if (this.state === 'ended') {
        this.finish();
        return;
      }
      this.receiver = receiver;
      if (this.pausedByUs) {
        this.pausedByUs = false;
        this.source.resume();
      }
    });
  }

  /** Cancels the request (like destroying a Node stream); a reader's promise rejects with `reason`. */
  destroy(reason?: Error): void {
    this.cancel(reason ?? new DOMException('The operation was aborted', 'AbortError'));
  }

  /** Calls `listener` once the body has been read to its end, has failed or was cancelled. */
  onClose(listener: () => void): void {
    if (this.isClosed) listener();
    else (this.closeListeners ??= []).push(listener);
  }

  [Symbol.asyncIterator](): AsyncIterator<Buffer> {
    const queue: Buffer[] = [];
    let waiting: { resolve: (r: IteratorResult<Buffer>) => void; reject: (err: Error) => void } | undefined;
    let done = false;
    let failure: Error | undefined;
    const piped = this.pipe((chunk) => {
      if (waiting === undefined) {
        queue.push(chunk);
        return;
      }
      const w = waiting;
      waiting = undefined;
      w.resolve({ value: chunk, done: false });
    });
    piped.then(
      () => {
        done = true;
        waiting?.resolve({ value: undefined, done: true });
        waiting = undefined;
      },
      (err: Error) => {
        done = true;
        failure = err;
        waiting?.reject(err);
        waiting = undefined;
      },
    );
    return {
      next: () => {
        const chunk = queue.shift();
        if (chunk !== undefined) return Promise.resolve({ value: chunk, done: false });
        if (failure !== undefined) return Promise.reject(failure);
        if (done) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve, reject) => (waiting = { resolve, reject }));
      },
      return: () => {
        // Leaving a `for await` early: the rest of the body is not wanted.
        if (!done) this.destroy();
        piped.catch(() => undefined);
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }

  private cancel(reason: Error): void {
    if (this.state === 'failed' || this.reader === 'done') return;
    // A reader's error ends the read even when the request is already over (its last chunks
    // kept): the reason is recorded first, so the abort's own report through fail() is ignored.
    const requestOpen = this.state === 'open';
    this.state = 'failed';
    this.error = reason;
    this.buffered = [];
    this.bufferedBytes = 0;
    if (requestOpen) this.source.abort(reason);
    if (this.reader === 'reading') this.finish();
    else this.close();
  }

  private finish(): void {
    const settle = this.settle;
    this.settle = undefined;
    this.reader = 'done';
    this.receiver = noop;
    if (this.state === 'failed') settle?.reject(this.error!);
    else settle?.resolve();
    this.close();
  }

  private close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    const listeners = this.closeListeners;
    this.closeListeners = undefined;
    if (listeners) for (const l of listeners) l();
  }
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

const noop: BodyReceiver = () => undefined;
