import type { Logger } from 'pino';
import type { AgentConfig } from '../agents/agent-config';
import { clearFrame, markFrame, mediaFrameEncoder } from '../exotel/stream-protocol';
import type { ChatMessage, LlmProvider } from '../providers/llm/llm-provider';
import { cancellation, isAbortError } from '../providers/provider-error';
import type { SttProvider, SttTranscript } from '../providers/stt/stt-provider';
import { isBackchannelOnly, isBargeIn } from './barge-in-policy';
import { PlaybackTracker } from './playback-tracker';
import { SentenceSplitter } from './sentence-splitter';
import { Utterance } from './speech-output';
import type { SpeechSynthesizer } from './speech-synthesizer';
import { SttSession } from './stt-session';
import { computeTurnMetrics, type TurnMarks, type TurnMetrics } from './turn-metrics';

/** The socket back to Exotel, as the pipeline sees it. */
export interface ExotelChannel {
  /** A text message: a string, or its UTF-8 bytes (media frames are built as Buffers). */
  send(frame: string | Buffer): void;
  close(code: number, reason: string): void;
}

export type Speaker = 'caller' | 'agent' | 'system';

/** Where a call reports what happened: transcripts, turn timings, the end. */
export interface CallObserver {
  transcript(speaker: Speaker, text: string, interrupted: boolean): void;
  turnCompleted(metrics: TurnMetrics): void;
  event(name: 'barge-in' | 'stt-reconnected' | 'llm-failed' | 'tts-failed' | 'reprompt' | 'hold-prompt'): void;
}

export interface CallDeps {
  stt: SttProvider;
  llm: LlmProvider;
  synth: SpeechSynthesizer;
  logger: Logger;
  observer: CallObserver;
  /** How long after the greeting a call still waiting for STT capacity hears the hold prompt. */
  holdPromptAfterMs?: number;
  dtmfInterDigitMs?: number;
  /** How TTS requests queue for provider slots: earliest-deadline-first (default) or FIFO. */
  ttsScheduling?: 'deadline' | 'fifo';
}

type UtteranceKind = 'greeting' | 'reply' | 'reprompt' | 'goodbye' | 'hold' | 'apology';

interface ActiveUtterance {
  kind: UtteranceKind;
  abort: AbortController;
  utterance: Utterance;
  marks: TurnMarks;
  turn: number;
  /** Close the call once this utterance has played. */
  hangUpAfter: boolean;
  drained: boolean;
}

const GOODBYE_RE = /\b(good\s?bye|bye)\b/i;

/**
 * One live call: turn-taking between the caller (STT) and the agent (LLM → TTS), barge-in,
 * DTMF, silence re-prompts and hang-up. Exotel framing lives in exotel/, providers behind their
 * interfaces; this class only decides what happens next.
 */
export class CallSession {
  private readonly history: ChatMessage[] = [];
  private readonly tracker: PlaybackTracker;
  private stt: SttSession | undefined;
  /** Aborted when the call ends: a call still queued for an STT slot leaves the queue at once. */
  private readonly sttAbort = new AbortController();
  private sttReady = false;
  private current: ActiveUtterance | undefined;
  private turnCounter = 0;
  private finals: string[] = [];
  private lastWordEndSec: number | undefined;
  private speechStartedAtMs: number | undefined;
  private silenceTimer: NodeJS.Timeout | undefined;
  private holdTimer: NodeJS.Timeout | undefined;
  private dtmfTimer: NodeJS.Timeout | undefined;
  private dtmfDigits = '';
  private reprompts = 0;
  private ended = false;
  /** Caller input that arrived while barge-in is disabled and the agent was talking. */
  private queuedInput: { text: string; marks: TurnMarks } | undefined;
  private readonly encodeMedia: (pcm: Buffer) => Buffer;

  constructor(
    private readonly callSid: string,
    private readonly streamSid: string,
    private readonly agent: AgentConfig,
    private readonly channel: ExotelChannel,
    private readonly deps: CallDeps,
  ) {
    this.tracker = new PlaybackTracker(`m${callSid.slice(-6)}`);
    this.encodeMedia = mediaFrameEncoder(streamSid);
    this.history.push({ role: 'system', content: agent.systemPrompt });
  }

  /** `start` arrived: greet at once, open STT in parallel. */
  start(): void {
    this.speak('greeting', [this.agent.greeting]);
    this.stt = new SttSession(
      this.deps.stt,
      {
        model: this.agent.stt.model,
        language: this.agent.language,
        sampleRate: 8000,
        endpointingMs: this.agent.stt.endpointingMs,
        utteranceEndMs: this.agent.stt.utteranceEndMs,
        tag: this.callSid,
        signal: this.sttAbort.signal,
      },
      {
        speechStarted: () => this.onSpeechStarted(),
        transcript: (t) => this.onTranscript(t),
        utteranceEnd: (end) => this.onUtteranceEnd(end),
        reconnected: (attempt) => {
          this.deps.logger.warn({ attempt }, 'stt reconnected');
          this.deps.observer.event('stt-reconnected');
        },
        failed: (err) => {
          this.deps.logger.error({ err: err.message }, 'stt lost for good');
          this.endWith(this.agent.apologyText);
        },
      },
    );
    const holdPrompt = (): void => {
      if (this.sttReady || this.ended) return;
      // Never talk over the greeting or a previous hold prompt: wait for it to finish.
      if (this.current) {
        this.holdTimer = setTimeout(holdPrompt, 500);
        return;
      }
      this.deps.observer.event('hold-prompt');
      this.speak('hold', [this.agent.holdText]);
      this.holdTimer = setTimeout(holdPrompt, 10_000);
    };
    this.holdTimer = setTimeout(holdPrompt, this.deps.holdPromptAfterMs ?? 2500);
    this.stt.start().then(
      () => {
        this.sttReady = true;
        clearTimeout(this.holdTimer);
        if (this.ended) this.stt?.close();
      },
      (err: unknown) => {
        clearTimeout(this.holdTimer);
        if (this.ended) return;
        this.deps.logger.warn({ err: (err as Error).message }, 'no speech recognition for this call');
        this.endWith(this.agent.busyGoodbyeText);
      },
    );
  }

  audio(pcm: Buffer, nowMs: number): void {
    this.stt?.send(pcm, nowMs);
  }

  dtmf(digit: string): void {
    if (this.ended) return;
    this.disarmSilence();
    if (this.current && this.current.kind !== 'greeting') this.interrupt();
    this.dtmfDigits += digit;
    clearTimeout(this.dtmfTimer);
    const submit = (): void => {
      const digits = this.dtmfDigits.replace(/#$/, '');
      this.dtmfDigits = '';
      if (digits) this.respond(`[The caller pressed keys: ${digits.split('').join(' ')}]`, { endOfTurnAtMs: Date.now() });
    };
    if (digit === '#') submit();
    else this.dtmfTimer = setTimeout(submit, this.deps.dtmfInterDigitMs ?? 1500);
  }

  mark(name: string): void {
    const now = Date.now();
    if (!this.tracker.acknowledge(name, now)) return;
    const cur = this.current;
    if (cur && cur.drained && !this.tracker.isPlaying) this.finishUtterance(cur);
  }

  /** Exotel said `stop` or the socket closed. Idempotent. */
  end(reason: string): void {
    if (this.ended) return;
    this.ended = true;
    const cur = this.current;
    if (cur) {
      cur.abort.abort(cancellation('call ended'));
      const { heardText } = this.tracker.finish(Date.now());
      if (heardText) this.deps.observer.transcript('agent', heardText, true);
      this.current = undefined;
    }
    clearTimeout(this.silenceTimer);
    clearTimeout(this.holdTimer);
    clearTimeout(this.dtmfTimer);
    this.sttAbort.abort(cancellation('call ended'));
    this.stt?.close();
    this.deps.logger.info({ reason, turns: this.turnCounter }, 'call ended');
  }

  get historyForTest(): readonly ChatMessage[] {
    return this.history;
  }

  // ---- caller speech -------------------------------------------------------------------------

  private onSpeechStarted(): void {
    this.speechStartedAtMs ??= Date.now();
    this.disarmSilence();
  }

  private onTranscript(t: SttTranscript): void {
    if (this.ended || !t.text) return;
    this.disarmSilence();
    const now = Date.now();
    this.speechStartedAtMs ??= now;
    if (t.isFinal) {
      this.finals.push(t.text);
      if (t.lastWordEndSec !== undefined) this.lastWordEndSec = t.lastWordEndSec;
    }
    const cur = this.current;
    if (cur && cur.kind !== 'greeting' && (this.tracker.isPlaying || !cur.drained)) {
      const heardSoFar = [...this.finals, t.isFinal ? '' : t.text].join(' ').trim();
      if (isBargeIn(heardSoFar, now - this.speechStartedAtMs, this.agent.bargeIn)) this.interrupt();
    }
    if (t.speechFinal) this.endOfCallerTurn(now);
  }

  private onUtteranceEnd(lastWordEndSec: number | undefined): void {
    if (lastWordEndSec !== undefined) this.lastWordEndSec ??= lastWordEndSec;
    if (this.finals.length > 0) this.endOfCallerTurn(Date.now());
  }

  private endOfCallerTurn(nowMs: number): void {
    const text = this.finals.join(' ').trim();
    const speechEndAtMs =
      this.lastWordEndSec !== undefined ? (this.stt?.clock.wallTimeOf(this.lastWordEndSec) ?? nowMs) : nowMs;
    this.finals = [];
    this.lastWordEndSec = undefined;
    this.speechStartedAtMs = undefined;
    if (!text) return;
    const marks: TurnMarks = { speechEndAtMs, endOfTurnAtMs: nowMs };
    if (this.current) {
      // Still talking: a backchannel is dropped; real input waits if barge-in is off.
      if (isBackchannelOnly(text, this.agent.bargeIn)) return;
      if (!this.agent.bargeIn.enabled || this.current.kind === 'greeting') {
        this.queuedInput = { text, marks };
        return;
      }
      this.interrupt();
    }
    this.respond(text, marks);
  }

  // ---- agent speech --------------------------------------------------------------------------

  /** The caller spoke over the agent: stop playback, cancel LLM and TTS, keep what was heard. */
  private interrupt(): void {
    const cur = this.current;
    if (!cur) return;
    this.current = undefined;
    this.channel.send(clearFrame(this.streamSid));
    cur.abort.abort(cancellation('barge-in'));
    const { heardText } = this.tracker.finish(Date.now());
    if (heardText) {
      this.history.push({ role: 'assistant', content: heardText });
      this.deps.observer.transcript('agent', heardText, true);
    }
    if (cur.kind === 'reply') this.deps.observer.turnCompleted(computeTurnMetrics(cur.turn, cur.marks, true));
    this.deps.observer.event('barge-in');
    this.deps.logger.debug({ kind: cur.kind }, 'barge-in');
  }

  private respond(userText: string, marks: TurnMarks): void {
    if (this.ended) return;
    this.reprompts = 0;
    this.history.push({ role: 'user', content: userText });
    this.deps.observer.transcript('caller', userText, false);
    const hangUpAfter = GOODBYE_RE.test(userText);
    const active = this.begin('reply', marks, hangUpAfter);
    void this.generate(active);
  }

  private async generate(active: ActiveUtterance): Promise<void> {
    const { marks, abort, utterance } = active;
    const splitter = new SentenceSplitter();
    let sentences = 0;
    marks.llmStartAtMs = Date.now();
    const messages = this.trimmedHistory();
    try {
      await this.deps.llm.streamChat(
        { model: this.agent.llm.model, messages, temperature: this.agent.llm.temperature, maxTokens: this.agent.llm.maxTokens },
        abort.signal,
        (token) => {
          marks.llmFirstTokenAtMs ??= Date.now();
          for (const s of splitter.push(token)) {
            marks.llmFirstSentenceAtMs ??= Date.now();
            sentences++;
            utterance.addSentence(s);
          }
        },
      );
      for (const s of splitter.flush()) {
        marks.llmFirstSentenceAtMs ??= Date.now();
        sentences++;
        utterance.addSentence(s);
      }
      if (sentences === 0 && !abort.signal.aborted) throw new Error('the LLM returned an empty answer');
    } catch (err) {
      if (abort.signal.aborted || isAbortError(err)) return;
      this.deps.logger.warn({ err: (err as Error).message }, 'llm failed: apologising');
      this.deps.observer.event('llm-failed');
      // Whatever was already said stands; never leave the caller in silence.
      if (sentences === 0) utterance.addSentence(this.agent.apologyText);
    }
    utterance.end();
  }

  private speak(kind: UtteranceKind, sentences: string[], hangUpAfter = false): void {
    if (this.ended) return;
    if (this.current && kind !== 'greeting') this.interrupt();
    const active = this.begin(kind, {}, hangUpAfter);
    for (const s of sentences) active.utterance.addSentence(s);
    active.utterance.end();
  }

  private begin(kind: UtteranceKind, marks: TurnMarks, hangUpAfter: boolean): ActiveUtterance {
    this.disarmSilence();
    const abort = new AbortController();
    const turn = kind === 'reply' ? ++this.turnCounter : this.turnCounter;
    const utterance = new Utterance(
      this.deps.synth,
      this.agent.voice,
      {
        sendAudio: (frame) => this.channel.send(this.encodeMedia(frame)),
        sendMark: (name) => this.channel.send(markFrame(this.streamSid, name)),
      },
      this.tracker,
      abort.signal,
      (err, text) => {
        this.deps.observer.event('tts-failed');
        this.deps.logger.warn({ err: err.message, chars: text.length }, 'tts failed for a sentence');
      },
      kind !== 'reply',
      this.callSid,
      this.deps.ttsScheduling ?? 'deadline',
    );
    const active: ActiveUtterance = { kind, abort, utterance, marks, turn, hangUpAfter, drained: false };
    this.current = active;
    void utterance.drained.then(() => {
      active.drained = true;
      if (this.current !== active) return;
      if (!this.tracker.isPlaying) {
        this.finishUtterance(active);
        return;
      }
      // Marks lost on the way back must not leave the call stuck: give playback its audio
      // length plus slack, then move on as if they had come.
      const fallback = setTimeout(() => this.finishUtterance(active), utterance.audioMsSent + 5000);
      fallback.unref();
    });
    return active;
  }

  /** The utterance has played out in full (every mark came back). */
  private finishUtterance(active: ActiveUtterance): void {
    if (this.current !== active) return;
    this.current = undefined;
    const { heardText } = this.tracker.finish();
    if (heardText) {
      this.history.push({ role: 'assistant', content: heardText });
      this.deps.observer.transcript('agent', heardText, false);
    }
    if (active.kind === 'reply') {
      active.marks.ttsFirstAudioMs = active.utterance.timings.ttsFirstAudioMs;
      active.marks.firstFrameSentAtMs = active.utterance.timings.firstFrameSentAtMs;
      this.deps.observer.turnCompleted(computeTurnMetrics(active.turn, active.marks, false));
    }
    if (active.hangUpAfter) {
      this.hangUp('agent-goodbye');
      return;
    }
    const queued = this.queuedInput;
    if (queued) {
      this.queuedInput = undefined;
      this.respond(queued.text, queued.marks);
      return;
    }
    this.armSilence();
  }

  private trimmedHistory(): ChatMessage[] {
    const max = this.agent.llm.maxHistoryMessages;
    if (this.history.length <= max + 1) return [...this.history];
    return [this.history[0]!, ...this.history.slice(-max)];
  }

  // ---- silence and hang-up -------------------------------------------------------------------

  private armSilence(): void {
    clearTimeout(this.silenceTimer);
    if (this.ended) return;
    this.silenceTimer = setTimeout(() => {
      if (this.ended || this.current) return;
      if (this.reprompts < this.agent.silence.maxReprompts) {
        this.reprompts++;
        this.deps.observer.event('reprompt');
        this.speak('reprompt', [this.agent.silence.repromptText]);
      } else {
        this.speak('goodbye', [this.agent.silence.goodbyeText], true);
      }
    }, this.agent.silence.repromptAfterMs);
  }

  private disarmSilence(): void {
    clearTimeout(this.silenceTimer);
    this.silenceTimer = undefined;
  }

  /** Say a last line, then hang up once it has played. */
  private endWith(text: string): void {
    if (this.ended) return;
    this.speak('goodbye', [text], true);
  }

  private hangUp(reason: string): void {
    if (this.ended) return;
    this.channel.close(1000, reason);
    this.end(reason);
  }
}
