import { type AudioFormat, bytesPerSample, rms } from '../audio/audio-format';

/** What the detector saw, in audio time (ms since the stream's first byte). */
export type SpeechEvent =
  | { type: 'speechStarted'; utterance: UtteranceState }
  | { type: 'interim'; utterance: UtteranceState; atMs: number }
  /** Silence reached `endpointing`: the utterance is final and speech_final. */
  | { type: 'endpoint'; utterance: UtteranceState }
  /** Silence reached `utterance_end_ms`; `needsFinal` when no endpoint finalized it first. */
  | { type: 'utteranceEnd'; utterance: UtteranceState; needsFinal: boolean };

export interface UtteranceState {
  /** Sequence number of the utterance on this connection (0-based). */
  index: number;
  startMs: number;
  /** End of the last speech window. */
  lastSpeechEndMs: number;
  /** Total speech (not pauses) in the utterance. */
  speechMs: number;
  finalized: boolean;
  utteranceEndSent: boolean;
}

export interface SpeechDetectorOptions {
  format: AudioFormat;
  thresholdRms: number;
  /** null = endpointing disabled. */
  endpointingMs: number | null;
  /** null = no UtteranceEnd messages. */
  utteranceEndMs: number | null;
  /** null = no interim results. */
  interimIntervalMs: number | null;
}

const WINDOW_MS = 20;

/**
 * Energy-based voice activity over 20 ms windows. Driven purely by the audio received, so a
 * client streaming faster than real time gets its endpoints sooner (as with Deepgram, which
 * measures silence in the audio, not on the clock).
 */
export class SpeechDetector {
  private readonly windowBytes: number;
  private carry: Buffer = Buffer.alloc(0);
  private processedMs = 0;
  private silenceMs = 0;
  private utteranceCount = 0;
  private lastInterimSpeechMs = 0;
  private current: UtteranceState | undefined;

  constructor(private readonly options: SpeechDetectorOptions) {
    const { format } = options;
    this.windowBytes = Math.round((format.sampleRateHz * WINDOW_MS) / 1000) * format.channels * bytesPerSample(format.encoding);
  }

  /** Audio time processed so far, whole windows only. */
  get audioMs(): number {
    return this.processedMs;
  }

  /** The utterance that still needs a final result, if any. */
  pendingUtterance(): UtteranceState | undefined {
    return this.current !== undefined && !this.current.finalized ? this.current : undefined;
  }

  /** Marks the pending utterance final (Finalize / CloseStream flushed it). */
  markFinalized(): void {
    if (this.current !== undefined) this.current.finalized = true;
  }

  push(audio: Buffer): SpeechEvent[] {
    const events: SpeechEvent[] = [];
    let data = this.carry.length > 0 ? Buffer.concat([this.carry, audio]) : audio;
    let offset = 0;
    while (data.length - offset >= this.windowBytes) {
      this.processWindow(data.subarray(offset, offset + this.windowBytes), events);
      offset += this.windowBytes;
    }
    data = data.subarray(offset);
    // Copy so the carry does not pin the caller's (possibly large) frame buffer.
    this.carry = Buffer.from(data);
    return events;
  }

  private processWindow(window: Buffer, events: SpeechEvent[]): void {
    const windowStartMs = this.processedMs;
    this.processedMs += WINDOW_MS;
    const isSpeech = rms(window, this.options.format.encoding) >= this.options.thresholdRms;
    if (isSpeech) {
      this.onSpeech(windowStartMs, events);
    } else {
      this.onSilence(events);
    }
  }

  private onSpeech(windowStartMs: number, events: SpeechEvent[]): void {
    let utterance = this.current;
    if (utterance === undefined || utterance.finalized) {
      utterance = {
        index: this.utteranceCount,
        startMs: windowStartMs,
        lastSpeechEndMs: windowStartMs,
        speechMs: 0,
        finalized: false,
        utteranceEndSent: false,
      };
      this.utteranceCount += 1;
      this.current = utterance;
      this.lastInterimSpeechMs = 0;
      events.push({ type: 'speechStarted', utterance });
    }
    utterance.speechMs += WINDOW_MS;
    utterance.lastSpeechEndMs = this.processedMs;
    this.silenceMs = 0;
    const interval = this.options.interimIntervalMs;
    if (interval !== null && utterance.speechMs - this.lastInterimSpeechMs >= interval) {
      // Advance by the interval (not to now) so 20 ms windows do not drift the cadence.
      this.lastInterimSpeechMs += interval;
      events.push({ type: 'interim', utterance, atMs: this.processedMs });
    }
  }

  private onSilence(events: SpeechEvent[]): void {
    const utterance = this.current;
    if (utterance === undefined) return;
    this.silenceMs += WINDOW_MS;
    const { endpointingMs, utteranceEndMs } = this.options;
    if (!utterance.finalized && endpointingMs !== null && this.silenceMs >= endpointingMs) {
      utterance.finalized = true;
      events.push({ type: 'endpoint', utterance });
    }
    if (!utterance.utteranceEndSent && utteranceEndMs !== null && this.silenceMs >= utteranceEndMs) {
      utterance.utteranceEndSent = true;
      const needsFinal = !utterance.finalized;
      utterance.finalized = true;
      events.push({ type: 'utteranceEnd', utterance, needsFinal });
    }
  }
}
