import { z } from 'zod';

/**
 * Validation of what the voice service sends, held to Exotel's rules
 * (/work/shared/protocols/exotel.md, "Messages to Exotel"). Anything off-spec is a protocol
 * violation: the simulator reports it rather than tolerating it, because real Exotel would glitch
 * (short chunks stall playback) or ignore the frame (camelCase `streamSid`).
 */
export const MIN_CHUNK_BYTES = 3200;
export const MAX_CHUNK_BYTES = 100_000;
export const CHUNK_MULTIPLE_BYTES = 320;

export type ViolationKind =
  | 'invalid-json'
  | 'binary-frame'
  | 'camel-case-stream-sid'
  | 'missing-stream-sid'
  | 'wrong-stream-sid'
  | 'unknown-event'
  | 'malformed-event'
  | 'chunk-not-multiple-of-320'
  | 'chunk-too-short'
  | 'chunk-too-long';

export interface ProtocolViolation {
  kind: ViolationKind;
  detail: string;
  /** Milliseconds since the call's WebSocket opened. */
  atMs: number;
}

const mediaSchema = z.object({
  event: z.literal('media'),
  media: z.object({ payload: z.string() }),
});
const markSchema = z.object({
  event: z.literal('mark'),
  mark: z.object({ name: z.string() }),
});
const clearSchema = z.object({ event: z.literal('clear') });
const envelopeSchema = z.object({ event: z.string() }).passthrough();

export type ServiceMessage =
  | { event: 'media'; payloadBytes: number; payloadBase64: string }
  | { event: 'mark'; name: string }
  | { event: 'clear' };

export interface InspectedMessage {
  /** Absent when the frame could not be understood at all. */
  message?: ServiceMessage;
  violations: Array<{ kind: ViolationKind; detail: string }>;
}

/** Decoded size of a base64 string without decoding it (the hot path sees 10 frames/s per call). */
function base64DecodedBytes(b64: string): number {
  return Buffer.byteLength(b64, 'base64');
}

export function inspectServiceMessage(text: string, expectedStreamSid: string): InspectedMessage {
  const violations: InspectedMessage['violations'] = [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { violations: [{ kind: 'invalid-json', detail: text.slice(0, 80) }] };
  }
  const envelope = envelopeSchema.safeParse(parsed);
  if (!envelope.success) {
    return { violations: [{ kind: 'malformed-event', detail: 'no string "event" field' }] };
  }
  const raw = envelope.data;
  if ('streamSid' in raw) {
    violations.push({ kind: 'camel-case-stream-sid', detail: `event ${raw.event} uses streamSid` });
  } else if (typeof raw.stream_sid !== 'string') {
    violations.push({ kind: 'missing-stream-sid', detail: `event ${raw.event}` });
  } else if (raw.stream_sid !== expectedStreamSid) {
    violations.push({ kind: 'wrong-stream-sid', detail: `event ${raw.event}: ${raw.stream_sid}` });
  }

  switch (raw.event) {
    case 'media': {
      const media = mediaSchema.safeParse(raw);
      if (!media.success) return { violations: [...violations, malformed('media', media.error)] };
      const payloadBase64 = media.data.media.payload;
      const payloadBytes = base64DecodedBytes(payloadBase64);
      violations.push(...chunkSizeViolations(payloadBytes));
      return { message: { event: 'media', payloadBytes, payloadBase64 }, violations };
    }
    case 'mark': {
      const mark = markSchema.safeParse(raw);
      if (!mark.success) return { violations: [...violations, malformed('mark', mark.error)] };
      return { message: { event: 'mark', name: mark.data.mark.name }, violations };
    }
    case 'clear': {
      clearSchema.parse(raw);
      return { message: { event: 'clear' }, violations };
    }
    default:
      return { violations: [...violations, { kind: 'unknown-event', detail: raw.event.slice(0, 40) }] };
  }
}

export function chunkSizeViolations(bytes: number): Array<{ kind: ViolationKind; detail: string }> {
  const out: Array<{ kind: ViolationKind; detail: string }> = [];
  if (bytes % CHUNK_MULTIPLE_BYTES !== 0) {
    out.push({ kind: 'chunk-not-multiple-of-320', detail: `${bytes} bytes` });
  }
  if (bytes < MIN_CHUNK_BYTES) out.push({ kind: 'chunk-too-short', detail: `${bytes} bytes` });
  if (bytes > MAX_CHUNK_BYTES) out.push({ kind: 'chunk-too-long', detail: `${bytes} bytes` });
  return out;
}

function malformed(event: string, error: z.ZodError): { kind: ViolationKind; detail: string } {
  const first = error.issues[0];
  return { kind: 'malformed-event', detail: `${event}: ${first ? `${first.path.join('.')} ${first.message}` : 'invalid'}` };
}
