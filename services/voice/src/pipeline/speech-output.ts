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
  text: string;
  chunks: Buffer[];
  done: boolean;
  error: Error | undefined;
  started: boolean;
  startedAtMs: number;
  firstByteAtMs: number | undefined;
  wake: (() => void) | undefined;
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
 */
export class Utterance {
  private readonly jobs: Array<SentenceJob | undefined> = [];
  private readonly sentenceChars: number[] = [];
  private ended = false;
  private drainWake: (() => void) | undefined;
  private readonly chunker = new AudioChunker();
  readonly timings: UtteranceTimings = {};
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
    this.drained = this.drain();
  }

  addSentence(text: string): void {
    if (this.ended || this.signal.aborted) return;
    this.sentenceChars.push(text.length);
    this.jobs.push({
      text,
      chunks: [],
      done: false,
      error: undefined,
      started: false,
      startedAtMs: 0,
      firstByteAtMs: undefined,
      wake: undefined,
    });
    this.startJobs(this.sentencesSpoken);
    this.drainWake?.();
  }

  /** No more sentences will come. */
  end(): void {
    this.ended = true;
    this.drainWake?.();
  }

  private startJobs(current: number): void {
    for (let i = current; i < Math.min(this.jobs.length, current + 1 + this.lookahead); i++) {
      const job = this.jobs[i];
      if (job && !job.started) void this.run(job, i);
    }
  }

  private async run(job: SentenceJob, index: number): Promise<void> {
    job.started = true;
    job.startedAtMs = Date.now();
    // When this call would fall silent without this sentence: the first sentence is already
    // late (the caller is waiting); a later one is needed when the audio queued before it has
    // played. FIFO (for comparison in the benchmark) is plain request order.
    // Playback of the sentences before this one is estimated from their length until it is known.
    const playStartMs = this.timings.firstFrameSentAtMs ?? job.startedAtMs;
    let aheadMs = 0;
    for (let k = 0; k < index; k++) aheadMs += this.sentenceChars[k]! * SPOKEN_MS_PER_CHAR;
    const deadlineMs =
      this.scheduling === 'fifo' || index === 0 ? job.startedAtMs : Math.max(job.startedAtMs, playStartMs + aheadMs);
    try {
      for await (const chunk of this.synth.synthesize(
        { text: job.text, voice: this.voice, deadlineMs, cacheable: this.cacheable, ...(this.owner ? { owner: this.owner } : {}) },
        this.signal,
      )) {
        if (job.firstByteAtMs === undefined) job.firstByteAtMs = Date.now();
        job.chunks.push(chunk);
        job.wake?.();
      }
    } catch (err) {
      if (!isAbortError(err) && !this.signal.aborted) job.error = err as Error;
    } finally {
      job.done = true;
      job.wake?.();
    }
  }

  private async drain(): Promise<void> {
    let index = 0;
    for (;;) {
      if (this.signal.aborted) return;
      const job = this.jobs[index];
      if (!job) {
        if (this.ended && index >= this.jobs.length) return;
        await new Promise<void>((r) => (this.drainWake = r));
        this.drainWake = undefined;
        continue;
      }
      this.startJobs(index);
      let audioBytes = 0;
      for (;;) {
        if (this.signal.aborted) return;
        const chunk = job.chunks.shift();
        if (chunk) {
          audioBytes += chunk.length;
          this.sendFrames(this.chunker.push(chunk), job);
          continue;
        }
        if (job.done) break;
        await new Promise<void>((r) => (job.wake = r));
        job.wake = undefined;
      }
      if (this.signal.aborted) return;
      if (job.error) this.onError(job.error, job.text);
      const tail = this.chunker.flush();
      this.sendFrames(tail, job);
      if (audioBytes > 0) {
        const audioMs = pcmDurationMs(audioBytes);
        this.audioMsSent += audioMs;
        const markName = this.tracker.add(job.text, audioMs, Date.now());
        this.sink.sendMark(markName);
        this.sentencesSpoken++;
      }
      this.jobs[index] = undefined; // let its audio be collected
      index++;
    }
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
