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

/** What the pipeline asks for speech; caching, limits, breakers and failover sit behind it. */
export interface SpeechSynthesizer {
  synthesize(req: SynthesisRequest, signal: AbortSignal): AsyncIterable<Buffer>;
}
