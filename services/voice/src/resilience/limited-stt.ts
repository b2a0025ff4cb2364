import type { ConcurrencyLimiter } from '../capacity/limiter';
import type { SttConnectOptions, SttEvents, SttProvider, SttStream } from '../providers/stt/stt-provider';
import type { ProviderBreakers } from './provider-breakers';

/**
 * Holds one account-wide Deepgram stream slot for as long as the socket is open, so N tasks
 * never open more streams than the account allows (the provider would answer 429).
 */
export class LimitedStt implements SttProvider {
  readonly name: string;

  constructor(
    private readonly inner: SttProvider,
    private readonly limiter: ConcurrencyLimiter,
    private readonly breakers: ProviderBreakers,
    /** How long a call may wait for a stream (it hears the hold prompt meanwhile). */
    private readonly queueTimeoutMs = 30_000,
    private readonly releaseGraceMs = 500,
  ) {
    this.name = inner.name;
  }

  async connect(opts: SttConnectOptions, events: SttEvents): Promise<SttStream> {
    const lease = await this.limiter.acquire({
      timeoutMs: this.queueTimeoutMs,
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.tag ? { owner: opts.tag } : {}),
    });
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      void lease.release();
    };
    try {
      const stream = await this.breakers.get('deepgram-stt').execute(() => this.inner.connect(opts, events));
      // The slot is free only once the provider has seen the socket close: releasing on our
      // close() call would let another task connect while the provider still counts this one.
      // A grace period covers the provider's own accounting lag after the socket closes (a
      // second more per call is nothing next to a 429 on someone's greeting).
      void stream.finished.then(() => setTimeout(release, this.releaseGraceMs).unref());
      return {
        send: (pcm) => stream.send(pcm),
        keepAlive: () => stream.keepAlive(),
        finalize: () => stream.finalize(),
        close: () => {
          stream.close();
          // A close handshake that never completes must not hold the slot for ever.
          setTimeout(release, 5000).unref();
        },
        get isOpen() {
          return stream.isOpen;
        },
        finished: stream.finished,
      };
    } catch (err) {
      release();
      throw err;
    }
  }
}
