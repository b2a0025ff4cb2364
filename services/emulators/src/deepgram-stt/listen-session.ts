import type { WebSocket } from 'ws';
import { z } from 'zod';
import { bytesPerSample } from '../audio/audio-format';
import type { DeepgramSttConfig } from '../config';
import type { StreamFault } from '../faults';
import { OrderedSender } from '../http/ordered-sender';
import { StreamFaultTrigger } from '../http/stream-fault-trigger';
import type { ProviderCounters } from '../stats';
import { metadataMessage, resultsMessage, speechStartedMessage, utteranceEndMessage } from './listen-messages';
import type { ListenOptions } from './listen-query';
import { type SpeechEvent, SpeechDetector, type UtteranceState } from './speech-detector';
import { ConnectionTranscripts, type TranscriptScripts } from './transcript-script';

export interface ListenSessionDeps {
  ws: WebSocket;
  options: ListenOptions;
  requestId: string;
  /** Live config: read at each use so runtime changes apply. */
  config: () => DeepgramSttConfig;
  scripts: TranscriptScripts;
  counters: ProviderCounters;
  fault: StreamFault | undefined;
  onEnd: () => void;
}

const controlMessageSchema = z.object({ type: z.string() });

type Outgoing = { kind: 'json'; body: unknown } | { kind: 'close'; code: number; reason: string };

/** One /v1/listen connection: audio in, Deepgram messages out, in order and with Deepgram's close codes. */
export class ListenSession {
  private readonly detector: SpeechDetector;
  private readonly transcripts: ConnectionTranscripts;
  private readonly sender: OrderedSender<Outgoing>;
  private readonly faultTrigger: StreamFaultTrigger;
  private idleTimer: NodeJS.Timeout | undefined;
  private stalled = false;
  private closing = false;
  private ended = false;

  constructor(private readonly deps: ListenSessionDeps) {
    const { options, config, scripts } = deps;
    this.detector = new SpeechDetector({
      format: options.format,
      thresholdRms: config().speechRmsThreshold,
      endpointingMs: options.endpointingMs,
      utteranceEndMs: options.utteranceEndMs,
      interimIntervalMs: options.interimResults ? config().interimIntervalMs : null,
    });
    this.transcripts = new ConnectionTranscripts({
      scripts,
      tag: options.tag,
      defaultScript: () => config().defaultScript,
      backchannels: () => config().backchannels,
      backchannelMaxMs: () => config().backchannelMaxMs,
    });
    this.sender = new OrderedSender((item) => this.deliver(item));
    this.faultTrigger = new StreamFaultTrigger(deps.fault, (fault) => this.injectFault(fault));
  }

  start(): void {
    const { ws } = this.deps;
    ws.on('message', (data, isBinary) => this.onClientFrame(toBuffer(data), isBinary));
    ws.on('close', (code) => this.end(code === 1006));
    ws.on('error', () => this.end(true));
    this.resetIdleTimer();
    if (this.deps.fault !== undefined) this.deps.counters.countFault();
    this.faultTrigger.start();
  }

  private onClientFrame(data: Buffer, isBinary: boolean): void {
    if (this.ended) return;
    this.resetIdleTimer();
    if (isBinary) this.onAudio(data);
    else this.onControl(data.toString('utf8'));
  }

  private onAudio(audio: Buffer): void {
    if (this.closing) return;
    const sampleBytes = bytesPerSample(this.deps.options.format.encoding) * this.deps.options.format.channels;
    if (audio.length % sampleBytes !== 0) {
      this.closeNow(1008, 'DATA-0000: audio frame is not a whole number of samples');
      return;
    }
    this.faultTrigger.addBytes(audio.length);
    for (const event of this.detector.push(audio)) this.onSpeechEvent(event);
  }

  private onControl(text: string): void {
    let type: string | undefined;
    try {
      const parsed = controlMessageSchema.safeParse(JSON.parse(text));
      type = parsed.success ? parsed.data.type : undefined;
    } catch {
      type = undefined;
    }
    if (type === 'Finalize') this.flush(true);
    else if (type === 'CloseStream') this.closeStream();
    // KeepAlive only resets the idle timer (done above); unknown messages are ignored.
  }

  private onSpeechEvent(event: SpeechEvent): void {
    const { options } = this.deps;
    switch (event.type) {
      case 'speechStarted':
        if (options.vadEvents) this.sender.enqueue({ kind: 'json', body: speechStartedMessage(event.utterance.startMs) });
        return;
      case 'interim':
        this.sender.enqueue({ kind: 'json', body: this.interimResults(event.utterance, event.atMs) });
        return;
      case 'endpoint':
        this.enqueueFinal(event.utterance, { speechFinal: true, fromFinalize: false });
        return;
      case 'utteranceEnd':
        if (event.needsFinal) this.enqueueFinal(event.utterance, { speechFinal: false, fromFinalize: false });
        this.sender.enqueue({ kind: 'json', body: utteranceEndMessage(event.utterance.lastSpeechEndMs) });
        return;
    }
  }

  private interimResults(utterance: UtteranceState, atMs: number): unknown {
    const { text, isBackchannel } = this.transcripts.peek(utterance.speechMs);
    const allWords = splitWords(text);
    const revealed = isBackchannel
      ? allWords
      : allWords.slice(0, Math.max(1, Math.floor((utterance.speechMs / 1000) * this.deps.config().wordsPerSecond)));
    return this.results(revealed, utterance.startMs, atMs, { isFinal: false, speechFinal: false, fromFinalize: false });
  }

  private enqueueFinal(utterance: UtteranceState, flags: { speechFinal: boolean; fromFinalize: boolean }): void {
    const words = splitWords(this.transcripts.take(utterance.speechMs));
    const body = this.results(words, utterance.startMs, utterance.lastSpeechEndMs, { isFinal: true, ...flags });
    this.sender.enqueue({ kind: 'json', body }, this.deps.config().endpointingProcessingMs);
  }

  private results(words: readonly string[], startMs: number, endMs: number, flags: { isFinal: boolean; speechFinal: boolean; fromFinalize: boolean }): unknown {
    const { options, requestId } = this.deps;
    return resultsMessage({ requestId, model: options.model, punctuatedWords: words, punctuate: options.punctuate, startMs, endMs, ...flags });
  }

  /** Finalize: the pending utterance's final, or an empty final when nothing is pending. */
  private flush(fromFinalize: boolean): void {
    const pending = this.detector.pendingUtterance();
    if (pending !== undefined) {
      this.detector.markFinalized();
      this.enqueueFinal(pending, { speechFinal: false, fromFinalize });
      return;
    }
    if (fromFinalize) {
      const nowMs = this.detector.audioMs;
      this.sender.enqueue({ kind: 'json', body: this.results([], nowMs, nowMs, { isFinal: true, speechFinal: false, fromFinalize: true }) });
    }
  }

  private closeStream(): void {
    if (this.closing) return;
    this.flush(false);
    this.closing = true;
    const { options, requestId } = this.deps;
    this.sender.enqueue({
      kind: 'json',
      body: metadataMessage({ requestId, audioMs: this.detector.audioMs, channels: options.format.channels, model: options.model }),
    });
    this.sender.enqueue({ kind: 'close', code: 1000, reason: '' });
  }

  private deliver(item: Outgoing): void {
    const { ws } = this.deps;
    if (this.stalled || ws.readyState !== ws.OPEN) return;
    if (item.kind === 'close') ws.close(item.code, item.reason);
    else ws.send(JSON.stringify(item.body));
  }

  private injectFault(fault: StreamFault): void {
    const { ws } = this.deps;
    switch (fault.kind) {
      case 'disconnect':
        this.closing = true;
        ws.terminate();
        return;
      case 'stall':
        // Stop answering but keep the socket (and the idle timer) alive, like a hung server.
        this.stalled = true;
        return;
      case 'malformed':
        if (ws.readyState === ws.OPEN) ws.send('{"type":"Results","channel":{"alternatives":[{"transcript":');
        return;
    }
  }

  private resetIdleTimer(): void {
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(
      () => this.closeNow(1011, 'NET-0001: no audio or message received within the timeout window'),
      this.deps.config().idleTimeoutMs,
    );
  }

  private closeNow(code: number, reason: string): void {
    this.closing = true;
    this.sender.stop();
    const { ws } = this.deps;
    if (ws.readyState === ws.OPEN) ws.close(code, reason);
  }

  private end(abnormal: boolean): void {
    if (this.ended) return;
    this.ended = true;
    if (abnormal && !this.closing) this.deps.counters.countAborted();
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    this.faultTrigger.cancel();
    this.sender.stop();
    this.deps.onEnd();
  }
}

function splitWords(text: string): string[] {
  return text.split(/\s+/).filter((w) => w.length > 0);
}

function toBuffer(data: Buffer | ArrayBuffer | Buffer[]): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
