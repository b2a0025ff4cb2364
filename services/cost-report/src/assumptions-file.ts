import { z } from 'zod';
import { DEFAULT_CALL_ASSUMPTIONS, type CallAssumptions } from './call-assumptions';

const share = z.number().min(0).max(1);
const positive = z.number().positive();

/** A partial override of the call assumptions (CLI `--assumptions file.json`), checked at the edge. */
const overrideSchema = z
  .object({
    averageCallMinutes: positive,
    agentTalkShare: share,
    sampleRateHz: z.union([z.literal(8000), z.literal(16000), z.literal(24000)]),
    bytesPerSample: z.literal(2),
    inboundFrameMs: positive,
    outboundChunkBytes: z.number().int().positive().multipleOf(320),
    tlsRecordOverheadBytes: z.number().nonnegative(),
    sttResultBytesPerMinute: z.number().nonnegative(),
    ttsCharsPerSpokenSecond: z.number().nonnegative(),
    turnsPerMinute: z.number().nonnegative(),
    llmInputTokensPerTurn: z.number().nonnegative(),
    llmOutputTokensPerTurn: z.number().nonnegative(),
    llmRequestBytesPerInputToken: z.number().nonnegative(),
    llmResponseBytesPerOutputToken: z.number().nonnegative(),
    providerSlotsPerCall: z
      .object({ 'deepgram-stt': z.number().nonnegative(), 'elevenlabs-tts': z.number().nonnegative(), 'deepgram-tts': z.number().nonnegative(), 'openai-llm': z.number().nonnegative() })
      .partial(),
    webhookLambdaMs: z.number().nonnegative(),
    webhookLambdaMemoryMb: positive,
    dynamoWriteUnitsPerCall: z.number().nonnegative(),
    logBytesPerCall: z.number().nonnegative(),
  })
  .partial()
  .strict();

export function assumptionsFromJson(text: string): CallAssumptions {
  const o = overrideSchema.parse(JSON.parse(text));
  return {
    ...DEFAULT_CALL_ASSUMPTIONS,
    ...o,
    providerSlotsPerCall: { ...DEFAULT_CALL_ASSUMPTIONS.providerSlotsPerCall, ...o.providerSlotsPerCall },
  };
}
