import { transcriptEntrySchema } from '../schemas';
import type { TranscriptEntry } from '../types';

/** One stream message per line: a single field `e` holding the entry as JSON. */
export const ENTRY_FIELD = 'e';

export function encodeEntry(entry: TranscriptEntry): string {
  return JSON.stringify(entry);
}

export interface StreamMessage {
  id: string;
  /** undefined when the message is unreadable (or was deleted while pending). */
  entry: TranscriptEntry | undefined;
}

/** Messages from an XREADGROUP reply for one stream, or from the list part of XAUTOCLAIM. */
export function decodeMessages(raw: unknown): StreamMessage[] {
  if (!Array.isArray(raw)) return [];
  const messages: StreamMessage[] = [];
  for (const item of raw) {
    if (!Array.isArray(item) || typeof item[0] !== 'string') continue;
    messages.push({ id: item[0], entry: decodeFields(item[1]) });
  }
  return messages;
}

/** The messages of the first stream in an XREADGROUP reply (we always read one stream). */
export function decodeReadReply(reply: unknown): StreamMessage[] {
  if (!Array.isArray(reply)) return [];
  const first: unknown = reply[0];
  return Array.isArray(first) ? decodeMessages(first[1]) : [];
}

/** XAUTOCLAIM reply: [nextStartId, messages, deletedIds?]. */
export function decodeAutoclaimReply(reply: unknown): { next: string; messages: StreamMessage[] } {
  if (!Array.isArray(reply) || typeof reply[0] !== 'string') return { next: '0-0', messages: [] };
  return { next: reply[0], messages: decodeMessages(reply[1]) };
}

function decodeFields(fields: unknown): TranscriptEntry | undefined {
  if (!Array.isArray(fields)) return undefined;
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i] !== ENTRY_FIELD || typeof fields[i + 1] !== 'string') continue;
    try {
      const parsed = transcriptEntrySchema.safeParse(JSON.parse(fields[i + 1] as string));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}
