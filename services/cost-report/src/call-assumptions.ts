/**
 * What one call does, on average. Every byte and request count in the model derives from these;
 * each default says where it comes from. Override them in the CLI with `--assumptions file.json`.
 */
export interface CallAssumptions {
  /** The plan's "average call duration: 3 minutes". */
  readonly averageCallMinutes: number;
  /** Share of call time the agent speaks (TTS audio sent to Exotel). */
  readonly agentTalkShare: number;
  /** Exotel → service PCM: 8 kHz default (protocols/exotel.md). */
  readonly sampleRateHz: number;
  /** 16-bit little-endian mono ("raw/slin"). */
  readonly bytesPerSample: number;
  /** Exotel sends audio "roughly every 100 ms" (protocols/exotel.md). */
  readonly inboundFrameMs: number;
  /** Outbound chunk size of services/voice AudioChunker (3,200 B = 200 ms at 8 kHz 16-bit). */
  readonly outboundChunkBytes: number;
  /** TLS 1.3 record overhead (5 header + 16 AEAD tag + 1 content type); one record per message. */
  readonly tlsRecordOverheadBytes: number;
  /** Deepgram live results (interim + final JSON) per call-minute: ~1 result/s of ~700 B. */
  readonly sttResultBytesPerMinute: number;
  /** Spoken characters per second of agent speech (~150 words/min × 6 chars). */
  readonly ttsCharsPerSpokenSecond: number;
  /** Caller turns per call-minute (each turn = one LLM request). */
  readonly turnsPerMinute: number;
  /** Prompt tokens per LLM request (system prompt + growing history). */
  readonly llmInputTokensPerTurn: number;
  readonly llmOutputTokensPerTurn: number;
  /** Request body bytes per input token (~4 chars per token, JSON). */
  readonly llmRequestBytesPerInputToken: number;
  /** Streamed response bytes per output token (one SSE chunk of JSON per token). */
  readonly llmResponseBytesPerOutputToken: number;
  /** Average provider slots held per active call: STT streams for the whole call, TTS and LLM
   * requests only while in flight (streaming TTS runs faster than real time). */
  readonly providerSlotsPerCall: {
    readonly 'deepgram-stt': number;
    readonly 'elevenlabs-tts': number;
    readonly 'deepgram-tts': number;
    readonly 'openai-llm': number;
  };
  /** Webhook admission: one Lambda call per call, DynamoDB atomic counters (global, agent, caller). */
  readonly webhookLambdaMs: number;
  readonly webhookLambdaMemoryMb: number;
  readonly dynamoWriteUnitsPerCall: number;
  /** Structured logs per call (pino JSON: start, turns, stop). */
  readonly logBytesPerCall: number;
}

export const DEFAULT_CALL_ASSUMPTIONS: CallAssumptions = {
  averageCallMinutes: 3,
  agentTalkShare: 0.45,
  sampleRateHz: 8000,
  bytesPerSample: 2,
  inboundFrameMs: 100,
  outboundChunkBytes: 3200,
  tlsRecordOverheadBytes: 22,
  sttResultBytesPerMinute: 60 * 700,
  ttsCharsPerSpokenSecond: 15,
  turnsPerMinute: 4,
  llmInputTokensPerTurn: 1500,
  llmOutputTokensPerTurn: 40,
  llmRequestBytesPerInputToken: 4,
  llmResponseBytesPerOutputToken: 220,
  providerSlotsPerCall: {
    'deepgram-stt': 1,
    'elevenlabs-tts': 0.15,
    'deepgram-tts': 0.15,
    'openai-llm': 0.05,
  },
  webhookLambdaMs: 50,
  webhookLambdaMemoryMb: 256,
  dynamoWriteUnitsPerCall: 3,
  logBytesPerCall: 20_000,
};
