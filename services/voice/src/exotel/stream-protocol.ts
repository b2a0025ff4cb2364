import { z } from 'zod';
import { unpooledUtf8 } from '../memory/unpooled-buffer';

/**
 * Exotel Voicebot (bidirectional stream) wire format. See ../../../../docs/architecture.md and
 * shared/protocols/exotel.md. Inbound frames are validated here so the pipeline only ever sees
 * typed events; outbound frames are built here so field names (snake_case `stream_sid`) are
 * right in exactly one place.
 */

// Exotel sends some numbers as strings (sample_rate "8000"); accept both.
const numeric = z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]);
const seq = numeric.optional();

const connectedSchema = z.object({ event: z.literal('connected') }).passthrough();

const startSchema = z.object({
  event: z.literal('start'),
  sequence_number: seq,
  stream_sid: z.string().min(1).max(128).optional(),
  start: z
    .object({
      stream_sid: z.string().min(1).max(128),
      call_sid: z.string().min(1).max(128),
      account_sid: z.string().max(128).optional(),
      from: z.string().max(64).optional(),
      to: z.string().max(64).optional(),
      custom_parameters: z.record(z.string(), z.unknown()).optional(),
      media_format: z
        .object({
          encoding: z.string().max(32).optional(),
          sample_rate: numeric.optional(),
          bit_rate: z.union([z.number(), z.string()]).optional(),
        })
        .passthrough()
        .optional(),
    })
    .passthrough(),
});

const mediaSchema = z.object({
  event: z.literal('media'),
  sequence_number: seq,
  stream_sid: z.string().max(128).optional(),
  media: z.object({
    chunk: numeric.optional(),
    timestamp: numeric.optional(),
    payload: z.string(),
  }),
});

const dtmfSchema = z.object({
  event: z.literal('dtmf'),
  sequence_number: seq,
  stream_sid: z.string().max(128).optional(),
  dtmf: z.object({
    digit: z.string().regex(/^[0-9*#A-D]$/),
    duration: numeric.optional(),
  }),
});

const stopSchema = z.object({
  event: z.literal('stop'),
  sequence_number: seq,
  stream_sid: z.string().max(128).optional(),
  stop: z
    .object({
      call_sid: z.string().max(128).optional(),
      account_sid: z.string().max(128).optional(),
      reason: z.string().max(256).optional(),
    })
    .passthrough()
    .optional(),
});

export type ConnectedEvent = z.infer<typeof connectedSchema>;
export type StartEvent = z.infer<typeof startSchema>;
export type DtmfEvent = z.infer<typeof dtmfSchema>;
/** Exotel's acknowledgement that the audio before one of our marks has played. */
export interface MarkEvent {
  event: 'mark';
  sequence_number?: number;
  stream_sid?: string;
  mark: { name: string };
}
export type StopEvent = z.infer<typeof stopSchema>;
/** Media with its audio already decoded: the pipeline never sees base64. */
export interface MediaEvent {
  event: 'media';
  audio: Buffer;
  timestamp?: number;
}

export type InboundEvent = ConnectedEvent | StartEvent | MediaEvent | DtmfEvent | MarkEvent | StopEvent;

export type ParseResult =
  | { ok: true; event: InboundEvent }
  | { ok: false; error: 'malformed-json' | 'unknown-event' | 'invalid-event' | 'bad-audio'; detail: string };

/** The media hot path: avoid zod and re-parsing for the frame that arrives 10×/s per call. */
function parseMedia(raw: Record<string, unknown>): ParseResult {
  const media = raw.media as Record<string, unknown> | undefined;
  const payload = media?.payload;
  if (typeof payload !== 'string') return { ok: false, error: 'invalid-event', detail: 'media.payload missing' };
  // base64 of 16-bit PCM: a multiple of 4 characters that decodes to an even byte count.
  // Node's decoder skips characters outside the alphabet, so a decoded length short of what the
  // text length implies means the payload was not base64 (cheaper than a regex over 2 kB).
  if (payload.length % 4 !== 0) return { ok: false, error: 'bad-audio', detail: 'payload is not base64' };
  const audio = Buffer.from(payload, 'base64');
  const padding = payload.endsWith('==') ? 2 : payload.endsWith('=') ? 1 : 0;
  if (audio.length !== (payload.length / 4) * 3 - padding) {
    return { ok: false, error: 'bad-audio', detail: 'payload is not base64' };
  }
  if (audio.length % 2 !== 0) return { ok: false, error: 'bad-audio', detail: 'odd PCM byte length' };
  const ts = media?.timestamp;
  const timestamp = typeof ts === 'number' ? ts : typeof ts === 'string' ? Number(ts) : undefined;
  return { ok: true, event: { event: 'media', audio, timestamp } };
}

/**
 * A mark comes back for every sentence we speak: the most frequent frame after media, so it is
 * checked by hand as well (through zod it was 0.6% of the voice thread at 200 stress calls, perf
 * 2026-12-06), to the same rules the other events' schemas apply.
 */
function invalidMark(detail: string): ParseResult {
  return { ok: false, error: 'invalid-event', detail: `mark: ${detail}` };
}

function parseMark(raw: Record<string, unknown>): ParseResult {
  const mark = raw.mark;
  const name = typeof mark === 'object' && mark !== null ? (mark as Record<string, unknown>).name : undefined;
  if (typeof name !== 'string' || name.length === 0 || name.length > 128) return invalidMark('mark.name must be a string of 1-128 characters');
  const sid = raw.stream_sid;
  if (sid !== undefined && (typeof sid !== 'string' || sid.length > 128)) return invalidMark('stream_sid must be a string of at most 128 characters');
  const seq = raw.sequence_number;
  let sequenceNumber: number | undefined;
  if (typeof seq === 'number') sequenceNumber = seq;
  else if (typeof seq === 'string' && /^\d+$/.test(seq)) sequenceNumber = Number(seq);
  else if (seq !== undefined) return invalidMark('sequence_number must be a number');
  const event: MarkEvent = { event: 'mark', mark: { name } };
  if (sequenceNumber !== undefined) event.sequence_number = sequenceNumber;
  if (sid !== undefined) event.stream_sid = sid;
  return { ok: true, event };
}

const schemas = {
  connected: connectedSchema,
  start: startSchema,
  dtmf: dtmfSchema,
  stop: stopSchema,
} as const;

export function parseInbound(text: string): ParseResult {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, error: 'malformed-json', detail: 'frame is not JSON' };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, error: 'invalid-event', detail: 'frame is not a JSON object' };
  }
  const obj = raw as Record<string, unknown>;
  const name = obj.event;
  if (name === 'media') return parseMedia(obj);
  if (name === 'mark') return parseMark(obj);
  if (typeof name !== 'string' || !(name in schemas)) {
    return { ok: false, error: 'unknown-event', detail: `unknown event ${JSON.stringify(String(name)).slice(0, 40)}` };
  }
  const parsed = schemas[name as keyof typeof schemas].safeParse(obj);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, error: 'invalid-event', detail: `${name}: ${issue?.path.join('.')} ${issue?.message}` };
  }
  return { ok: true, event: parsed.data as InboundEvent };
}

/** Outbound frames. `stream_sid` is snake_case: camelCase was a real bug in a public implementation. */
const MEDIA_TAIL = Buffer.from('"}}');

/**
 * Encodes a stream's `media` frames as the bytes of a text message (send them with
 * `{ binary: false }`). Each frame is built into one Buffer: a template string would be a rope
 * that ws flattens and then encodes again, two more ~4 kB copies per 200 ms frame per call (9% of
 * the voice process's allocations at 200 calls). The JSON head is encoded once per stream, not
 * once per frame.
 */
export function mediaFrameEncoder(streamSid: string): (pcm: Buffer) => Buffer {
  // Kept for the whole call: not a slice of the shared pool (unpooled-buffer.ts).
  const head = unpooledUtf8(`{"event":"media","stream_sid":${JSON.stringify(streamSid)},"media":{"payload":"`);
  return (pcm) => {
    const payload = pcm.toString('base64');
    const frame = Buffer.allocUnsafe(head.length + payload.length + MEDIA_TAIL.length);
    head.copy(frame, 0);
    frame.write(payload, head.length, 'latin1'); // base64 is ASCII: one byte per character
    MEDIA_TAIL.copy(frame, head.length + payload.length);
    return frame;
  };
}

export function markFrame(streamSid: string, name: string): string {
  return JSON.stringify({ event: 'mark', stream_sid: streamSid, mark: { name } });
}

export function clearFrame(streamSid: string): string {
  return JSON.stringify({ event: 'clear', stream_sid: streamSid });
}

/** WebSocket close codes we use, with the reason logged beside them. */
export const CloseCodes = {
  normal: 1000,
  goingAway: 1001,
  protocolError: 1002,
  unsupportedData: 1003,
  policyViolation: 1008,
  tooBig: 1009,
  internalError: 1011,
  tryAgainLater: 1013,
} as const;
