import { z } from 'zod';
import type { AudioFormat } from '../audio/audio-format';

/** The /v1/listen query options the emulator models, parsed from the upgrade URL. */
export interface ListenOptions {
  format: AudioFormat;
  model: string;
  interimResults: boolean;
  /** null = `endpointing=false`. */
  endpointingMs: number | null;
  utteranceEndMs: number | null;
  vadEvents: boolean;
  punctuate: boolean;
  tag: string | undefined;
}

const booleanString = z.enum(['true', 'false']).transform((v) => v === 'true');
const positiveIntString = z.string().regex(/^\d+$/).transform(Number);

const querySchema = z.object({
  model: z.string().min(1).default('nova-3'),
  encoding: z.enum(['linear16', 'mulaw']).optional(),
  sample_rate: positiveIntString.optional(),
  channels: positiveIntString.optional(),
  interim_results: booleanString.default('false'),
  endpointing: z.union([z.literal('false').transform(() => null), positiveIntString]).optional(),
  utterance_end_ms: positiveIntString.optional(),
  vad_events: booleanString.default('false'),
  punctuate: booleanString.default('false'),
  smart_format: booleanString.default('false'),
  tag: z.string().optional(),
});

export type ListenQueryResult = { ok: true; options: ListenOptions } | { ok: false; message: string };

/** First value of each parameter (Deepgram accepts repeats for some, e.g. tag; one is enough here). */
function firstValues(params: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of params) if (!(key in out)) out[key] = value;
  return out;
}

export function parseListenQuery(params: URLSearchParams, defaultEndpointingMs: number): ListenQueryResult {
  const parsed = querySchema.safeParse(firstValues(params));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, message: `Invalid query parameter ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}` };
  }
  const q = parsed.data;
  const encoding = q.encoding ?? 'linear16';
  return {
    ok: true,
    options: {
      format: { encoding, sampleRateHz: q.sample_rate ?? (encoding === 'mulaw' ? 8000 : 16000), channels: q.channels ?? 1 },
      model: q.model,
      interimResults: q.interim_results,
      endpointingMs: q.endpointing === undefined ? defaultEndpointingMs : q.endpointing,
      utteranceEndMs: q.utterance_end_ms ?? null,
      vadEvents: q.vad_events,
      punctuate: q.punctuate || q.smart_format,
      tag: q.tag,
    },
  };
}
