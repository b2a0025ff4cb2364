import { appendFile, mkdir } from 'node:fs/promises';
import type { CallEnd, CallRecordSink, CallStart, TranscriptBatch, TranscriptEntry } from '../types';
import { callFilePath, loadCallFile, type FileRecord } from './file-call-records';

interface CallIndex {
  started: boolean;
  ended: boolean;
  seqs: Set<number>;
  /** The file ends in a partial line: start the next write with a newline. */
  torn: boolean;
}

export const DEFAULT_DATA_DIR = '.data/calls';

/**
 * The embedded call store: one JSON-lines file per call. It keeps an index of what each file
 * holds, so a retried or replayed batch adds no line twice (readCall dedupes as well, for files
 * written by an older process that crashed between write and index).
 */
export class FileCallSink implements CallRecordSink {
  private readonly indexes = new Map<string, Promise<CallIndex>>();
  /** Writes to one file run one after another: the index check and the append must not interleave. */
  private readonly queues = new Map<string, Promise<unknown>>();
  private dirReady: Promise<unknown> | undefined;

  constructor(readonly dataDir: string = DEFAULT_DATA_DIR) {}

  startCall(c: CallStart): Promise<void> {
    return this.serial(c.callSid, async (index) => {
      if (index.started) return [];
      index.started = true;
      return [{ kind: 'start', start: c }];
    });
  }

  /** Local files: one append per call file; counted by the log as one store write. */
  async appendTranscripts(batches: ReadonlyArray<TranscriptBatch>): Promise<void> {
    await Promise.all(batches.map((b) => this.appendTranscript(b.callSid, b.entries)));
  }

  appendTranscript(callSid: string, entries: TranscriptEntry[]): Promise<void> {
    return this.serial(callSid, async (index) => {
      const fresh: FileRecord[] = [];
      for (const entry of [...entries].sort((a, b) => a.seq - b.seq)) {
        if (entry.callSid !== callSid) throw new Error(`entry of ${entry.callSid} sent for ${callSid}`);
        if (index.seqs.has(entry.seq)) continue;
        index.seqs.add(entry.seq);
        fresh.push({ kind: 'line', entry });
      }
      return fresh;
    });
  }

  endCall(e: CallEnd): Promise<void> {
    return this.serial(e.callSid, async (index) => {
      if (index.ended) return [];
      index.ended = true;
      return [{ kind: 'end', end: e }];
    });
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.queues.values()]);
  }

  private serial(callSid: string, plan: (index: CallIndex) => Promise<FileRecord[]>): Promise<void> {
    const path = callFilePath(this.dataDir, callSid);
    const previous = this.queues.get(callSid) ?? Promise.resolve();
    const run = previous
      .catch(() => undefined)
      .then(async () => {
        const index = await this.index(callSid);
        const snapshot = { ...index, seqs: new Set(index.seqs) };
        const records = await plan(index);
        if (records.length === 0) return;
        try {
          this.dirReady ??= mkdir(this.dataDir, { recursive: true });
          await this.dirReady;
          const text = records.map((r) => JSON.stringify(r) + '\n').join('');
          await appendFile(path, index.torn ? '\n' + text : text, 'utf8');
          index.torn = false;
        } catch (err) {
          // Not written: forget the plan so a retry writes it.
          Object.assign(index, snapshot);
          throw err;
        }
      });
    const settled: Promise<unknown> = run
      .catch(() => undefined)
      .finally(() => {
        if (this.queues.get(callSid) === settled) this.queues.delete(callSid);
      });
    this.queues.set(callSid, settled);
    return run;
  }

  private index(callSid: string): Promise<CallIndex> {
    let index = this.indexes.get(callSid);
    if (!index) {
      index = loadCallFile(this.dataDir, callSid).then(({ records, torn }) => {
        const built: CallIndex = { started: false, ended: false, seqs: new Set(), torn };
        for (const r of records) {
          if (r.kind === 'start') built.started = true;
          else if (r.kind === 'end') built.ended = true;
          else built.seqs.add(r.entry.seq);
        }
        return built;
      });
      index.catch(() => this.indexes.delete(callSid));
      this.indexes.set(callSid, index);
    }
    return index;
  }
}
