import { z } from 'zod';
import { PROVIDERS } from '../faults';

const count = z.number().int().positive().optional();
const nonNegative = z.number().nonnegative();

export const faultSpecSchema = z.union([
  z.object({ kind: z.enum(['429', '5xx']), status: z.number().int().min(400).max(599).optional(), count }).strict(),
  z
    .object({
      kind: z.enum(['disconnect', 'stall', 'malformed']),
      afterMs: nonNegative.optional(),
      afterBytes: nonNegative.optional(),
      count,
    })
    .strict(),
]);

export const setFaultSchema = z.object({ provider: z.enum(PROVIDERS), fault: faultSpecSchema.nullable() }).strict();

export const scriptSchema = z.object({ tag: z.string().min(1), lines: z.array(z.string()) }).strict();

const audioTtsPatch = z
  .object({ limit: nonNegative, ttfbMs: nonNegative, msPerChar: nonNegative, realtimeFactor: nonNegative, chunkMs: z.number().positive() })
  .partial()
  .strict();

export const configPatchSchema = z
  .object({
    apiKey: z.string(),
    deepgramStt: z
      .object({
        limit: nonNegative,
        endpointingProcessingMs: nonNegative,
        speechRmsThreshold: nonNegative,
        backchannelMaxMs: nonNegative,
        interimIntervalMs: z.number().positive(),
        wordsPerSecond: z.number().positive(),
        idleTimeoutMs: z.number().positive(),
        defaultEndpointingMs: nonNegative,
        defaultScript: z.array(z.string()),
        backchannels: z.array(z.string()),
      })
      .partial()
      .strict(),
    deepgramTts: audioTtsPatch,
    openai: z
      .object({
        limit: nonNegative,
        ttftMs: nonNegative,
        tokensPerSecond: nonNegative,
        replies: z.array(z.string()),
        goodbye: z.string(),
        retryAfterS: nonNegative,
        recordLimit: nonNegative,
      })
      .partial()
      .strict(),
    elevenlabs: audioTtsPatch,
  })
  .partial()
  .strict();
