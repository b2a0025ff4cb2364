/** Streaming speech-to-text: one socket per call, audio in, transcript events out. */
export interface SttConnectOptions {
  model: string;
  language: string;
  sampleRate: number;
  endpointingMs: number;
  utteranceEndMs: number;
  /** Opaque label for the provider's usage reports (we pass the call SID). */
  tag?: string;
  signal?: AbortSignal;
}

export interface SttTranscript {
  text: string;
  isFinal: boolean;
  /** The provider's endpoint: the caller paused long enough to end the turn. */
  speechFinal: boolean;
  wordCount: number;
  /** Audio time (s since the stream opened) at which the last word ended, when known. */
  lastWordEndSec?: number;
}

export interface SttEvents {
  speechStarted(): void;
  transcript(t: SttTranscript): void;
  utteranceEnd(lastWordEndSec: number | undefined): void;
  /** The socket closed; `unexpected` when we did not ask for it (provider error, network). */
  closed(info: { code: number; reason: string; unexpected: boolean }): void;
}

export interface SttStream {
  send(pcm: Buffer): void;
  keepAlive(): void;
  /** Ask the provider to flush what it has heard (used before closing a turn early). */
  finalize(): void;
  close(): void;
  readonly isOpen: boolean;
  /** Resolves once the provider connection is really gone (whoever closed it). */
  readonly finished: Promise<void>;
}

export interface SttProvider {
  readonly name: string;
  connect(opts: SttConnectOptions, events: SttEvents): Promise<SttStream>;
}
