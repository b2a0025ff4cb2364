import type { CallEnd, CallStart, TranscriptEntry } from '../types';
import type { StoredTranscriptLine } from './call-log-model';

/**
 * The MongoDB filters and update documents the call sink sends, built as plain data so they can
 * be checked without a server.
 */

export interface UpdateSpec {
  filter: Record<string, unknown>;
  update: Record<string, unknown>;
  upsert: boolean;
}

/** One line per seq, in seq order (a batch may repeat a line after a retry). */
export function normalizeBatch(entries: readonly TranscriptEntry[]): TranscriptEntry[] {
  const bySeq = new Map<number, TranscriptEntry>();
  for (const e of entries) if (!bySeq.has(e.seq)) bySeq.set(e.seq, e);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

export function toStoredLine(e: TranscriptEntry): StoredTranscriptLine {
  const line: StoredTranscriptLine = { seq: e.seq, speaker: e.speaker, text: e.text, timestamp: new Date(e.timestamp) };
  if (e.interrupted !== undefined) line.interrupted = e.interrupted;
  return line;
}

/**
 * Appends a batch only if NONE of its seqs is stored yet — one atomic single-document update, so
 * a retried, replayed or concurrently delivered batch can never add a line twice. Unlike a
 * `lastSeq < firstSeq` guard it also accepts batches that arrive out of order (a reaper and a
 * slow owner writing different parts of one call); `$sort` keeps the array in seq order. When
 * it matches nothing, the caller reads which seqs are stored and retries with the rest.
 */
export function appendTranscriptUpdate(callSid: string, batch: readonly TranscriptEntry[]): UpdateSpec {
  const entries = normalizeBatch(batch);
  const seqs = entries.map((e) => e.seq);
  return {
    filter: { callSid, 'transcript.seq': { $nin: seqs } },
    update: {
      $push: { transcript: { $each: entries.map(toStoredLine), $sort: { seq: 1 } } },
      $max: { lastSeq: Math.max(...seqs) },
    },
    upsert: false,
  };
}

/** Creates an empty record for a call whose lines arrive before its start was recorded. */
export function ensureCallUpdate(callSid: string): UpdateSpec {
  return {
    filter: { callSid },
    update: { $setOnInsert: { callSid, status: 'in-progress', lastSeq: -1, transcript: [], turns: [] } },
    upsert: true,
  };
}

export function startCallUpdate(c: CallStart): UpdateSpec {
  const set: Record<string, unknown> = { agentId: c.agentId, taskId: c.taskId, startedAt: new Date(c.startedAt) };
  if (c.from !== undefined) set.from = c.from;
  if (c.to !== undefined) set.to = c.to;
  return {
    filter: { callSid: c.callSid },
    update: { $set: set, $setOnInsert: { callSid: c.callSid, status: 'in-progress', lastSeq: -1, transcript: [], turns: [] } },
    upsert: true,
  };
}

function endFields(e: CallEnd): Record<string, unknown> {
  return {
    status: e.status,
    endedAt: new Date(e.endedAt),
    durationSec: e.durationSec,
    endReason: e.endReason,
    turns: e.turns,
  };
}

/** Finalizes a call that has not been finalized: the first end wins (a reaper cannot overwrite a clean end). */
export function endCallUpdate(e: CallEnd): UpdateSpec {
  return { filter: { callSid: e.callSid, endedAt: null }, update: { $set: endFields(e) }, upsert: false };
}

/** When endCallUpdate matched nothing: inserts the end if the call has no record at all, else no-op. */
export function endUnknownCallUpdate(e: CallEnd): UpdateSpec {
  return {
    filter: { callSid: e.callSid },
    update: { $setOnInsert: { callSid: e.callSid, lastSeq: -1, transcript: [], ...endFields(e) } },
    upsert: true,
  };
}
