import { mkdir, open, type FileHandle } from 'node:fs/promises';
import type { CallEnd, CallRecordSink, CallStart, TranscriptBatch, TranscriptEntry } from '../types';
import { callFilePath, parseCallFile, type FileRecord } from './file-call-records';

interface CallIndex {
  started: boolean;
  ended: boolean;
  seqs: Set<number>;
  /** The file ends in a partial line: start the next write with a newline. */
  torn: boolean;
}

/** A call's file, open for appending while the call lasts, and what it already holds. */
interface OpenCallFile {
  handle: FileHandle;
  index: CallIndex;
  lastUsedMs: number;
}

/** A call file nobody has written for this long is closed (a call whose end never came here). */
export const CALL_FILE_IDLE_CLOSE_MS = 60_000;

export const DEFAULT_DATA_DIR = '.data/calls';

/**
 * The embedded call store: one JSON-lines file per call. It keeps an index of what each file
 * holds, so a retried or replayed batch adds no line twice (readCall dedupes as well, for files
 * written by an older process that crashed between write and index).
 *
 * A call's file is opened once (read for the index, then appended to) and closed when the call's
 * end is written: an open, a write and a close per batch cost the voice process more than the
 * writes themselves (profiled at 200 calls: ~7% of its busy time).
 */
export class FileCallSink implements CallRecordSink {
  private readonly files = new Map<string, Promise<OpenCallFile>>();
  /** Writes to one file run one after another: the index check and the append must not interleave. */
  private readonly queues = new Map<string, Promise<unknown>>();
  private dirReady: Promise<unknown> | undefined;
  private idleSweep: NodeJS.Timeout | undefined;

  constructor(
    readonly dataDir: string = DEFAULT_DATA_DIR,
    private readonly idleCloseMs = CALL_FILE_IDLE_CLOSE_MS,
  ) {}

  startCall(c: CallStart): Promise<void> {
    return this.serial(c.callSid, (index) => {
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
    return this.serial(callSid, (index) => {
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
    return this.serial(
      e.callSid,
      (index) => {
        if (index.ended) return [];
        index.ended = true;
        return [{ kind: 'end', end: e }];
      },
      { closeAfter: true },
    );
  }

  /** Waits for queued writes and closes the files of calls that have not ended. */
  async close(): Promise<void> {
    clearInterval(this.idleSweep);
    this.idleSweep = undefined;
    await Promise.allSettled([...this.queues.values()]);
    await Promise.allSettled([...this.files.keys()].map((callSid) => this.forget(callSid)));
  }

  /** Closes the files of calls that have gone quiet without an end (their task died, the call moved). */
  async closeIdle(nowMs = Date.now()): Promise<number> {
    const idle: string[] = [];
    for (const [callSid, file] of this.files) {
      if (this.queues.has(callSid)) continue; // a write is queued or running
      const opened = await file.catch(() => undefined);
      if (opened && nowMs - opened.lastUsedMs >= this.idleCloseMs) idle.push(callSid);
    }
    await Promise.all(idle.map((callSid) => this.forget(callSid)));
    return idle.length;
  }

  /** Calls whose file is open now (an ended call's is closed). */
  get openFiles(): number {
    return this.files.size;
  }

  private serial(callSid: string, plan: (index: CallIndex) => FileRecord[], opts: { closeAfter?: boolean } = {}): Promise<void> {
    const path = callFilePath(this.dataDir, callSid);
    const previous = this.queues.get(callSid) ?? Promise.resolve();
    const run = previous
      .catch(() => undefined)
      .then(async () => {
        const file = await this.file(callSid, path);
        file.lastUsedMs = Date.now();
        const records = plan(file.index);
        if (records.length > 0) {
          const text = records.map((r) => JSON.stringify(r) + '\n').join('');
          try {
            await file.handle.appendFile(file.index.torn ? '\n' + text : text, 'utf8');
            file.index.torn = false;
          } catch (err) {
            // Not written, or only partly: the file is the truth, so the next attempt re-reads it.
            await this.forget(callSid);
            throw err;
          }
        }
        if (opts.closeAfter) await this.forget(callSid);
      });
    const settled: Promise<unknown> = run
      .catch(() => undefined)
      .finally(() => {
        if (this.queues.get(callSid) === settled) this.queues.delete(callSid);
      });
    this.queues.set(callSid, settled);
    return run;
  }

  private file(callSid: string, path: string): Promise<OpenCallFile> {
    let file = this.files.get(callSid);
    if (!file) {
      // An open file per live call; one unref'd sweep closes those whose call went quiet, so a
      // handle is never left for the garbage collector to close.
      this.idleSweep ??= setInterval(() => void this.closeIdle(), Math.max(1000, this.idleCloseMs / 2)).unref();
      file = this.openFile(path);
      file.catch(() => this.files.delete(callSid));
      this.files.set(callSid, file);
    }
    return file;
  }

  private async openFile(path: string): Promise<OpenCallFile> {
    this.dirReady ??= mkdir(this.dataDir, { recursive: true }).catch((err: unknown) => {
      this.dirReady = undefined; // try again next time
      throw err;
    });
    await this.dirReady;
    // 'a+': read from the start for the index, and every write goes to the end.
    const handle = await open(path, 'a+');
    try {
      const { records, torn } = parseCallFile(await handle.readFile('utf8'));
      const index: CallIndex = { started: false, ended: false, seqs: new Set(), torn };
      for (const r of records) {
        if (r.kind === 'start') index.started = true;
        else if (r.kind === 'end') index.ended = true;
        else index.seqs.add(r.entry.seq);
      }
      return { handle, index, lastUsedMs: Date.now() };
    } catch (err) {
      await handle.close().catch(() => undefined);
      throw err;
    }
  }

  private async forget(callSid: string): Promise<void> {
    const file = this.files.get(callSid);
    if (!file) return;
    this.files.delete(callSid);
    const opened = await file.catch(() => undefined);
    await opened?.handle.close().catch(() => undefined);
  }
}
