import type { AgentConfig } from '../agents/agent-config';

export interface SynthesisRequest {
  text: string;
  voice: AgentConfig['voice'];
  /**
   * When this call would fall silent (epoch ms) if the audio does not come: TTS capacity is
   * granted earliest-deadline-first, so a turn's first sentence beats another call's fifth.
   */
  deadlineMs: number;
  /** Fixed phrases (greeting, prompts) may be served from the TTS cache. */
  cacheable: boolean;
  /** For queue stats and logs. */
  owner?: string;
}

/** Receives audio as it arrives, synchronously, in order. */
export type AudioReceiver = (chunk: Buffer) => void;

/**
 * What the pipeline asks for speech; caching, limits, breakers and failover sit behind it.
 * Audio is pushed to `onAudio` as it arrives; the promise settles when the audio is complete
 * (or rejects: provider failure, or the signal aborted). Push, not an async iterator: each layer
 * of async iteration cost a promise and an iterator result per chunk per layer, and those
 * allocations were a measured share of the voice process's garbage (docs/benchmarks.md).
 */
export interface SpeechSynthesizer {
  synthesize(req: SynthesisRequest, signal: AbortSignal, onAudio: AudioReceiver): Promise<void>;
}
