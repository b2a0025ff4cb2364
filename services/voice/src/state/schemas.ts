import { z } from 'zod';
import type { CallEnd, CallStart, TranscriptEntry, TurnMetrics } from './types';

/** Schemas for data the state layer reads back from outside the process (Redis, files). */

export const transcriptEntrySchema = z.object({
  callSid: z.string().min(1),
  seq: z.number().int().nonnegative(),
  speaker: z.enum(['caller', 'agent', 'system']),
  text: z.string(),
  timestamp: z.string(),
  interrupted: z.boolean().optional(),
}) satisfies z.ZodType<TranscriptEntry>;

export const turnMetricsSchema = z.object({
  turn: z.number(),
  sttEndpointMs: z.number().optional(),
  llmFirstTokenMs: z.number().optional(),
  ttsFirstByteMs: z.number().optional(),
  turnLatencyMs: z.number().optional(),
  overheadMs: z.number().optional(),
}) satisfies z.ZodType<TurnMetrics>;

export const callStartSchema = z.object({
  callSid: z.string().min(1),
  agentId: z.string(),
  from: z.string().optional(),
  to: z.string().optional(),
  startedAt: z.string(),
  taskId: z.string(),
}) satisfies z.ZodType<CallStart>;

export const callEndSchema = z.object({
  callSid: z.string().min(1),
  status: z.enum(['completed', 'interrupted', 'failed', 'rejected']),
  endedAt: z.string(),
  durationSec: z.number(),
  endReason: z.string(),
  turns: z.array(turnMetricsSchema),
}) satisfies z.ZodType<CallEnd>;
