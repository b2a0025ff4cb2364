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
      const stream = await this.breakers.get('deepgram-stt').execute(() =>
        this.inner.connect(opts, {
          ...events,
          closed: (info) => {
            release();
            events.closed(info);
          },
        }),
      );
      return {
        send: (pcm) => stream.send(pcm),
        keepAlive: () => stream.keepAlive(),
        finalize: () => stream.finalize(),
        close: () => {
          stream.close();
          release();
        },
        get isOpen() {
          return stream.isOpen;
        },
      };
    } catch (err) {
      release();
      throw err;
    }
  }
}
