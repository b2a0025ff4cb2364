import type { AgentConfig } from '../agents/agent-config';
import { AudioChunker, pcmDurationMs } from '../exotel/audio-chunker';
import { isAbortError } from '../providers/provider-error';
import type { PlaybackTracker } from './playback-tracker';
import type { SpeechSynthesizer } from './speech-synthesizer';

/** Speaking rate used to estimate when queued speech will have played (~15 characters/s). */
const SPOKEN_MS_PER_CHAR = 65;

export interface AudioSink {
  sendAudio(frame: Buffer): void;
  sendMark(name: string): void;
}

interface SentenceJob {
  index: number;
  text: string;
  /** Audio that arrived before this sentence's turn to play. */
  chunks: Buffer[];
  audioBytes: number;
  done: boolean;
  error: Error | undefined;
  started: boolean;
  startedAtMs: number;
  firstByteAtMs: number | undefined;
}

export interface UtteranceTimings {
  /** TTS request → first sendable frame of audio for the first sentence. */
  ttsFirstAudioMs?: number;
  firstFrameSentAtMs?: number;
}

/**
 * One agent utterance: sentences in, Exotel frames and marks out, in order. The next sentence
 * is synthesised while the current one streams (one sentence of lookahead), so playback does
 * not stall between sentences; everything stops when the turn's signal aborts (barge-in).
 *
 * Event-driven: audio for the sentence now playing goes out as it arrives (chunker → frames →
 * sink, synchronously); audio for a later sentence waits in its job until that sentence's turn.
 */
export class Utterance {
  private readonly jobs: Array<SentenceJob | undefined> = [];
  private readonly sentenceChars: number[] = [];
  /** Index of the sentence whose audio is going out now. */
  private playing = 0;
  private ended = false;
  private finished = false;
  private resolveDrained!: () => void;
  private readonly chunker = new AudioChunker();
  readonly timings: UtteranceTimings = {};
  /** Settles when every sentence has been sent (or the signal aborted). */
  readonly drained: Promise<void>;
  sentencesSpoken = 0;
  audioMsSent = 0;

  constructor(
    private readonly synth: SpeechSynthesizer,
    private readonly voice: AgentConfig['voice'],
    private readonly sink: AudioSink,
    private readonly tracker: PlaybackTracker,
    private readonly signal: AbortSignal,
    private readonly onError: (err: Error, text: string) => void,
    private readonly cacheable = false,
    private readonly owner?: string,
    private readonly scheduling: 'deadline' | 'fifo' = 'deadline',
    private readonly lookahead = 1,
  ) {
    this.drained = new Promise<void>((resolve) => (this.resolveDrained = resolve));
    if (signal.aborted) this.finish();
    else signal.addEventListener('abort', () => this.finish(), { once: true });
  }

  addSentence(text: string): void {
    if (this.ended || this.finished) return;
    this.sentenceChars.push(text.length);
    this.jobs.push({
      index: this.jobs.length,
      text,
      chunks: [],
      audioBytes: 0,
      done: false,
      error: undefined,
      started: false,
      startedAtMs: 0,
      firstByteAtMs: undefined,
    });
    this.startJobs();
  }

  /** No more sentences will come. */
  end(): void {
    this.ended = true;
    this.advance();
  }

  private startJobs(): void {
    for (let i = this.playing; i < Math.min(this.jobs.length, this.playing + 1 + this.lookahead); i++) {
      const job = this.jobs[i];
      if (job && !job.started) this.run(job);
    }
  }

  private run(job: SentenceJob): void {
    job.started = true;
    job.startedAtMs = Date.now();
    // When this call would fall silent without this sentence: the first sentence is already
    // late (the caller is waiting); a later one is needed when the audio queued before it has
    // played. FIFO (for comparison in the benchmark) is plain request order.
    // Playback of the sentences before this one is estimated from their length until it is known.
    const playStartMs = this.timings.firstFrameSentAtMs ?? job.startedAtMs;
    let aheadMs = 0;
    for (let k = 0; k < job.index; k++) aheadMs += this.sentenceChars[k]! * SPOKEN_MS_PER_CHAR;
    const deadlineMs =
      this.scheduling === 'fifo' || job.index === 0 ? job.startedAtMs : Math.max(job.startedAtMs, playStartMs + aheadMs);
    this.synth
      .synthesize(
        { text: job.text, voice: this.voice, deadlineMs, cacheable: this.cacheable, ...(this.owner ? { owner: this.owner } : {}) },
        this.signal,
        (chunk) => this.onAudio(job, chunk),
      )
      .then(
        () => this.onJobDone(job, undefined),
        (err: unknown) => this.onJobDone(job, isAbortError(err) || this.signal.aborted ? undefined : (err as Error)),
      );
  }

  private onAudio(job: SentenceJob, chunk: Buffer): void {
    if (this.finished || chunk.length === 0) return;
    if (job.firstByteAtMs === undefined) job.firstByteAtMs = Date.now();
    job.audioBytes += chunk.length;
    if (job.index === this.playing) this.sendFrames(this.chunker.push(chunk), job);
    else job.chunks.push(chunk);
  }

  private onJobDone(job: SentenceJob, err: Error | undefined): void {
    job.done = true;
    job.error = err;
    if (job.index === this.playing) this.advance();
  }

  /** Closes every finished sentence at the head of the queue, in order, then waits for audio. */
  private advance(): void {
    for (;;) {
      if (this.finished) return;
      const job = this.jobs[this.playing];
      if (!job) {
        if (this.ended) this.finish();
        return;
      }
      if (!job.done) return;
      if (job.error) this.onError(job.error, job.text);
      this.sendFrames(this.chunker.flush(), job);
      if (job.audioBytes > 0) {
        const audioMs = pcmDurationMs(job.audioBytes);
        this.audioMsSent += audioMs;
        const markName = this.tracker.add(job.text, audioMs, Date.now());
        this.sink.sendMark(markName);
        this.sentencesSpoken++;
      }
      this.jobs[this.playing] = undefined; // let its audio be collected
      this.playing++;
      this.startJobs();
      const next = this.jobs[this.playing];
      if (next && next.chunks.length > 0) {
        const waiting = next.chunks;
        next.chunks = [];
        for (const chunk of waiting) this.sendFrames(this.chunker.push(chunk), next);
      }
    }
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.resolveDrained();
  }

  private sendFrames(frames: Buffer[], job: SentenceJob): void {
    if (frames.length === 0) return;
    if (this.timings.firstFrameSentAtMs === undefined) {
      const now = Date.now();
      this.timings.firstFrameSentAtMs = now;
      // Provider time for the first audio includes waiting for a full 100 ms frame of it.
      this.timings.ttsFirstAudioMs = now - job.startedAtMs;
    }
    for (const f of frames) this.sink.sendAudio(f);
  }
}
