import type { SttConnectOptions, SttEvents, SttProvider, SttStream } from '../providers/stt/stt-provider';
import { AudioClock } from './audio-clock';

export interface SttSessionHooks extends Omit<SttEvents, 'closed'> {
  /** The stream is gone for good (reconnects exhausted). */
  failed(err: Error): void;
  reconnected(attempt: number): void;
}

/**
 * One call's STT stream, kept alive across provider drops: an unexpected close reconnects at
 * once (then with short backoff) and replays the audio buffered meanwhile, so the caller's turn
 * goes on instead of being lost.
 */
export class SttSession {
  private stream: SttStream | undefined;
  private closed = false;
  private reconnecting = false;
  /** Audio received while (re)connecting; bounded so a long outage cannot grow memory. */
  private backlog: Buffer[] = [];
  private backlogBytes = 0;
  private lastSendMs = 0;
  private keepAliveTimer: NodeJS.Timeout | undefined;
  readonly clock = new AudioClock();
  reconnects = 0;

  constructor(
    private readonly provider: SttProvider,
    private readonly opts: SttConnectOptions,
    private readonly hooks: SttSessionHooks,
    private readonly maxReconnects = 3,
    private readonly maxBacklogBytes = 16_000 * 5,
  ) {}

  async start(): Promise<void> {
    this.stream = await this.provider.connect(this.opts, this.events());
    this.clock.reset();
    // Audio from while the call waited for a stream is stale (the caller heard a hold prompt).
    this.backlog = [];
    this.backlogBytes = 0;
    this.keepAliveTimer = setInterval(() => {
      // Deepgram closes a socket after 10 s without a frame (NET-0001).
      if (Date.now() - this.lastSendMs > 4000) this.stream?.keepAlive();
    }, 4000);
    this.keepAliveTimer.unref();
  }

  send(pcm: Buffer, nowMs: number): void {
    if (this.closed) return;
    const s = this.stream;
    if (s && s.isOpen && !this.reconnecting) {
      s.send(pcm);
      this.clock.record(pcm.length, nowMs);
      this.lastSendMs = nowMs;
      return;
    }
    this.backlog.push(pcm);
    this.backlogBytes += pcm.length;
    while (this.backlogBytes > this.maxBacklogBytes && this.backlog.length > 1) {
      this.backlogBytes -= this.backlog.shift()!.length;
    }
  }

  finalize(): void {
    this.stream?.finalize();
  }

  close(): void {
    this.closed = true;
    if (this.keepAliveTimer) clearInterval(this.keepAliveTimer);
    this.stream?.close();
    this.stream = undefined;
    this.backlog = [];
  }

  private events(): SttEvents {
    return {
      speechStarted: () => this.hooks.speechStarted(),
      transcript: (t) => this.hooks.transcript(t),
      utteranceEnd: (end) => this.hooks.utteranceEnd(end),
      closed: (info) => {
        if (this.closed || !info.unexpected) return;
        void this.reconnect(new Error(`stt closed ${info.code} ${info.reason}`));
      },
    };
  }

  private async reconnect(cause: Error): Promise<void> {
    if (this.reconnecting) return;
    this.reconnecting = true;
    const delaysMs = [0, 250, 1000, 2000];
    for (let attempt = 1; attempt <= this.maxReconnects && !this.closed; attempt++) {
      const delay = delaysMs[Math.min(attempt - 1, delaysMs.length - 1)]!;
      if (delay > 0) await new Promise((r) => setTimeout(r, delay));
      if (this.closed) break;
      try {
        const stream = await this.provider.connect(this.opts, this.events());
        if (this.closed) {
          stream.close();
          break;
        }
        this.stream = stream;
        this.clock.reset();
        this.reconnects++;
        const now = Date.now();
        for (const buf of this.backlog) {
          stream.send(buf);
          this.clock.record(buf.length, now);
        }
        this.backlog = [];
        this.backlogBytes = 0;
        this.reconnecting = false;
        this.hooks.reconnected(attempt);
        return;
      } catch {
        // next attempt
      }
    }
    this.reconnecting = false;
    if (!this.closed) this.hooks.failed(cause);
  }
}
