import { DeepgramClient } from '@deepgram/sdk';
import { ProviderError } from '../provider-error';
import type { SttConnectOptions, SttEvents, SttProvider, SttStream } from './stt-provider';

type ListenSocket = Awaited<ReturnType<DeepgramClient['listen']['v1']['connect']>>;

interface ResultsMessage {
  type: 'Results';
  is_final?: boolean;
  speech_final?: boolean;
  channel?: { alternatives?: Array<{ transcript?: string; words?: Array<{ end?: number }> }> };
}

/**
 * Deepgram live STT through the official SDK (v5). The SDK's own reconnect loop is switched off
 * (reconnectAttempts: 0): a silent 10 s retry on a live call is dead air, so the call decides
 * when and how to reconnect (see pipeline/stt-session.ts).
 */
export class DeepgramStt implements SttProvider {
  readonly name = 'deepgram';
  private readonly client: DeepgramClient;

  constructor(apiKey: string, baseUrl?: string) {
    this.client = new DeepgramClient({ apiKey, ...(baseUrl ? { baseUrl } : {}) });
  }

  async connect(opts: SttConnectOptions, events: SttEvents): Promise<SttStream> {
    let socket: ListenSocket;
    try {
      socket = await this.client.listen.v1.connect({
        model: opts.model,
        language: opts.language,
        encoding: 'linear16',
        sample_rate: opts.sampleRate,
        channels: 1,
        interim_results: 'true',
        endpointing: opts.endpointingMs,
        utterance_end_ms: opts.utteranceEndMs,
        vad_events: 'true',
        smart_format: 'true',
        punctuate: 'true',
        ...(opts.tag ? { tag: opts.tag } : {}),
        reconnectAttempts: 0,
        connectionTimeoutInSeconds: 5,
        ...(opts.signal ? { abortSignal: opts.signal } : {}),
      });
    } catch (err) {
      throw new ProviderError('deepgram-stt', `connect failed: ${(err as Error).message}`, undefined, { cause: err });
    }
    return new DeepgramSttStream(socket, events, opts.signal).open();
  }
}

class DeepgramSttStream implements SttStream {
  private closedByUs = false;
  private opened = false;
  private ended = false;
  private markFinished!: () => void;
  readonly finished = new Promise<void>((r) => (this.markFinished = r));

  constructor(
    private readonly socket: ListenSocket,
    private readonly events: SttEvents,
    /** The SDK closes the socket when this aborts (its `abortSignal`): a close we asked for. */
    private readonly signal?: AbortSignal,
  ) {}

  async open(): Promise<this> {
    let failure: { code: number; reason: string } | undefined;
    this.socket.on('message', (msg) => this.onMessage(msg as unknown));
    // V1Socket.close() reports a close at once, before the connection is really gone; the
    // underlying socket's own close event is the one that says the provider has let go.
    this.socket.socket.addEventListener('close', () => this.markFinished());
    this.socket.on('close', (ev) => {
      const code = (ev as { code?: number }).code ?? 1006;
      const reason = String((ev as { reason?: unknown }).reason ?? '');
      if (!this.opened) {
        failure = { code, reason };
        return;
      }
      if (this.ended) return;
      this.ended = true;
      // At a call's end the call aborts the signal before it closes the stream, so a close the
      // signal caused must not read as a drop: the session would reconnect every ended call.
      this.events.closed({ code, reason, unexpected: !this.closedByUs && this.signal?.aborted !== true });
    });
    this.socket.on('error', () => {
      // The close event that follows carries what we act on.
    });
    this.socket.connect();
    try {
      await this.socket.waitForOpen();
    } catch (err) {
      this.closedByUs = true;
      this.socket.close();
      this.markFinished();
      const status = /\b(4\d\d|5\d\d)\b/.exec(String((err as Error)?.message ?? ''))?.[1];
      throw new ProviderError(
        'deepgram-stt',
        `handshake failed${failure ? ` (close ${failure.code})` : ''}`,
        status ? Number(status) : undefined,
        { cause: err },
      );
    }
    this.opened = true;
    return this;
  }

  get isOpen(): boolean {
    return this.opened && !this.ended;
  }

  send(pcm: Buffer): void {
    if (this.isOpen) this.socket.sendMedia(pcm);
  }

  keepAlive(): void {
    if (this.isOpen) this.socket.sendKeepAlive({ type: 'KeepAlive' });
  }

  finalize(): void {
    if (this.isOpen) this.socket.sendFinalize({ type: 'Finalize' });
  }

  close(): void {
    if (this.ended) return;
    this.closedByUs = true;
    this.ended = true;
    try {
      if (this.opened) this.socket.sendCloseStream({ type: 'CloseStream' });
    } catch {
      // already closing
    }
    this.socket.close();
  }

  private onMessage(msg: unknown): void {
    if (typeof msg !== 'object' || msg === null) return;
    const type = (msg as { type?: unknown }).type;
    if (type === 'Results') {
      const r = msg as ResultsMessage;
      const alt = r.channel?.alternatives?.[0];
      const text = (alt?.transcript ?? '').trim();
      const words = alt?.words ?? [];
      const lastEnd = words.length > 0 ? words[words.length - 1]?.end : undefined;
      this.events.transcript({
        text,
        isFinal: r.is_final === true,
        speechFinal: r.speech_final === true,
        wordCount: text ? text.split(/\s+/).length : 0,
        ...(typeof lastEnd === 'number' ? { lastWordEndSec: lastEnd } : {}),
      });
    } else if (type === 'SpeechStarted') {
      this.events.speechStarted();
    } else if (type === 'UtteranceEnd') {
      const end = (msg as { last_word_end?: unknown }).last_word_end;
      this.events.utteranceEnd(typeof end === 'number' && end >= 0 ? end : undefined);
    }
  }
}
