import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileCallSink } from '../../services/voice/src/state/sinks/file-call-sink';
import { readCallFile } from '../../services/voice/src/state/sinks/file-call-records';
import type { CallEnd, CallRecordSink, CallStart, TranscriptEntry } from '../../services/voice/src/state/types';

export async function tempDir(): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'calling-agent-state-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** A file sink that counts writes and can be told to fail or to hang, as a flaky database would. */
export class ScriptedSink implements CallRecordSink {
  readonly file: FileCallSink;
  appendCalls = 0;
  /** Lines handed to appendTranscript by successful writes, duplicates included. */
  linesDelivered = 0;
  failuresLeft = 0;
  /** While set, appendTranscript never settles (a write stuck on a dead socket). */
  hang = false;

  constructor(dir: string) {
    this.file = new FileCallSink(dir);
  }

  startCall(c: CallStart): Promise<void> {
    return this.file.startCall(c);
  }
  /** One write for many calls, as the write-ahead log flushes; fails or hangs as a whole. */
  appendTranscripts(batches: ReadonlyArray<{ callSid: string; entries: TranscriptEntry[] }>): Promise<void> {
    this.appendCalls++;
    if (this.hang) return new Promise<void>(() => undefined);
    if (this.failuresLeft > 0) {
      this.failuresLeft--;
      return Promise.reject(new Error('sink unavailable'));
    }
    return this.file.appendTranscripts(batches).then(() => {
      for (const b of batches) this.linesDelivered += b.entries.length;
    });
  }
  appendTranscript(callSid: string, entries: TranscriptEntry[]): Promise<void> {
    this.appendCalls++;
    if (this.hang) return new Promise<void>(() => undefined);
    if (this.failuresLeft > 0) {
      this.failuresLeft--;
      return Promise.reject(new Error('sink unavailable'));
    }
    return this.file.appendTranscript(callSid, entries).then(() => {
      this.linesDelivered += entries.length;
    });
  }
  endCall(e: CallEnd): Promise<void> {
    return this.file.endCall(e);
  }
  close(): Promise<void> {
    return this.file.close();
  }
}

export function line(callSid: string, seq: number): TranscriptEntry {
  return {
    callSid,
    seq,
    speaker: seq % 2 === 0 ? 'caller' : 'agent',
    text: `line ${seq} of ${callSid}`,
    timestamp: new Date(1_700_000_000_000 + seq * 1000).toISOString(),
  };
}

/** Raw transcript records in the call's file, as written (duplicates would show here). */
export async function storedSeqs(dir: string, callSid: string): Promise<number[]> {
  const records = await readCallFile(dir, callSid);
  return records.flatMap((r) => (r.kind === 'line' ? [r.entry.seq] : []));
}

export const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/**
 * Polls `check` until it holds. A check that throws counts as "not yet" (e.g. XPENDING before the
 * consumer group exists): letting it escape would leave this promise pending until jest's own
 * timeout, with the real cause reported as an unhandled rejection.
 */
export function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const poll = async (): Promise<void> => {
      let lastError: unknown;
      try {
        if (await check()) return resolve();
      } catch (err) {
        lastError = err;
      }
      if (Date.now() > deadline) {
        return reject(new Error(`condition not met in time${lastError instanceof Error ? ` (last error: ${lastError.message})` : ''}`));
      }
      setTimeout(() => void poll(), 20);
    };
    void poll();
  });
}
