/** Per-turn timings. Provider time is what we wait on Deepgram, OpenAI and TTS; the rest is ours. */
export interface TurnMetrics {
  turn: number;
  /** Caller stopped speaking (per STT word timings) → end of turn detected. */
  sttEndpointMs?: number;
  /** LLM request → first token. */
  llmFirstTokenMs?: number;
  /** LLM request → first complete sentence (what TTS had to wait for). */
  llmFirstSentenceMs?: number;
  /** TTS request for the first sentence → first full frame of its audio. */
  ttsFirstByteMs?: number;
  /** Caller stopped speaking → first agent audio frame sent. */
  turnLatencyMs?: number;
  /** Turn latency minus the provider waits above: the time our own code added. */
  overheadMs?: number;
  interrupted?: boolean;
}

export interface TurnMarks {
  speechEndAtMs?: number;
  endOfTurnAtMs?: number;
  llmStartAtMs?: number;
  llmFirstTokenAtMs?: number;
  llmFirstSentenceAtMs?: number;
  ttsFirstAudioMs?: number;
  firstFrameSentAtMs?: number;
}

export function computeTurnMetrics(turn: number, m: TurnMarks, interrupted: boolean): TurnMetrics {
  const out: TurnMetrics = { turn, interrupted };
  if (m.speechEndAtMs !== undefined && m.endOfTurnAtMs !== undefined) {
    out.sttEndpointMs = Math.max(0, m.endOfTurnAtMs - m.speechEndAtMs);
  }
  if (m.llmStartAtMs !== undefined && m.llmFirstTokenAtMs !== undefined) {
    out.llmFirstTokenMs = m.llmFirstTokenAtMs - m.llmStartAtMs;
  }
  if (m.llmStartAtMs !== undefined && m.llmFirstSentenceAtMs !== undefined) {
    out.llmFirstSentenceMs = m.llmFirstSentenceAtMs - m.llmStartAtMs;
  }
  if (m.ttsFirstAudioMs !== undefined) out.ttsFirstByteMs = m.ttsFirstAudioMs;
  if (m.speechEndAtMs !== undefined && m.firstFrameSentAtMs !== undefined) {
    out.turnLatencyMs = m.firstFrameSentAtMs - m.speechEndAtMs;
    if (out.sttEndpointMs !== undefined && out.llmFirstSentenceMs !== undefined && out.ttsFirstByteMs !== undefined) {
      out.overheadMs = Math.max(0, out.turnLatencyMs - out.sttEndpointMs - out.llmFirstSentenceMs - out.ttsFirstByteMs);
    }
  }
  return out;
}
