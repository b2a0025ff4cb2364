import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { callEndSchema, callStartSchema, transcriptEntrySchema } from '../schemas';
import type { CallEnd, CallStart, TranscriptEntry } from '../types';

/** One JSON object per line in `<dataDir>/<callSid>.jsonl`. */
export const fileRecordSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('start'), start: callStartSchema }),
  z.object({ kind: z.literal('line'), entry: transcriptEntrySchema }),
  z.object({ kind: z.literal('end'), end: callEndSchema }),
]);
export type FileRecord = z.infer<typeof fileRecordSchema>;

export interface StoredCall {
  start?: CallStart;
  transcript: TranscriptEntry[];
  end?: CallEnd;
}

/** Call SIDs come from the network: keep them from naming paths outside the data directory. */
export function callFilePath(dataDir: string, callSid: string): string {
  if (!/^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/.test(callSid)) {
    throw new Error(`callSid not usable as a file name: ${JSON.stringify(callSid)}`);
  }
  return join(dataDir, `${callSid}.jsonl`);
}

/** Every record in the file as written (for tests and tools); a torn last line is ignored. */
export async function readCallFile(dataDir: string, callSid: string): Promise<FileRecord[]> {
  return (await loadCallFile(dataDir, callSid)).records;
}

/** `torn`: the file does not end with a newline (a crash mid-append), so the next write starts a new line. */
export async function loadCallFile(dataDir: string, callSid: string): Promise<{ records: FileRecord[]; torn: boolean }> {
  let text: string;
  try {
    text = await readFile(callFilePath(dataDir, callSid), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], torn: false };
    throw err;
  }
  return parseCallFile(text);
}

/** The records in a call file's text; a partial line (a crash mid-append) is skipped. */
export function parseCallFile(text: string): { records: FileRecord[]; torn: boolean } {
  const records: FileRecord[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      continue; // a crash mid-append leaves at most one partial line
    }
    const parsed = fileRecordSchema.safeParse(json);
    if (parsed.success) records.push(parsed.data);
  }
  return { records, torn: text.length > 0 && !text.endsWith('\n') };
}

/** The call as a reader sees it: first start, first end, one line per seq in seq order. */
export async function readCall(dataDir: string, callSid: string): Promise<StoredCall> {
  const call: StoredCall = { transcript: [] };
  const bySeq = new Map<number, TranscriptEntry>();
  for (const r of await readCallFile(dataDir, callSid)) {
    if (r.kind === 'start') call.start ??= r.start;
    else if (r.kind === 'end') call.end ??= r.end;
    else if (!bySeq.has(r.entry.seq)) bySeq.set(r.entry.seq, r.entry);
  }
  call.transcript = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
  return call;
}
