import { appendFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FileCallSink } from '../../services/voice/src/state/sinks/file-call-sink';
import { callFilePath, readCall } from '../../services/voice/src/state/sinks/file-call-records';
import { line, range, storedSeqs, tempDir } from './helpers';

describe('file call sink', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let sinks: FileCallSink[] = [];
  /** Every sink is closed after its test: an open call file left to the garbage collector is a bug. */
  const track = (sink: FileCallSink): FileCallSink => {
    sinks.push(sink);
    return sink;
  };
  beforeEach(async () => {
    tmp = await tempDir();
  });
  afterEach(async () => {
    await Promise.all(sinks.map((s) => s.close()));
    sinks = [];
    await tmp.remove();
  });

  it('stores a call once however often start, lines and end are replayed', async () => {
    const sink = track(new FileCallSink(tmp.dir));
    const start = { callSid: 'CA1', agentId: 'a', startedAt: '2024-01-01T00:00:00Z', taskId: 't1' };
    await sink.startCall(start);
    await sink.startCall(start);
    await sink.appendTranscript('CA1', [line('CA1', 3), line('CA1', 4)]);
    await sink.appendTranscript('CA1', [line('CA1', 0), line('CA1', 1), line('CA1', 2), line('CA1', 3)]);
    await sink.appendTranscript('CA1', [line('CA1', 4)]);
    const end = {
      callSid: 'CA1', status: 'completed' as const, endedAt: '2024-01-01T00:01:00Z',
      durationSec: 60, endReason: 'caller-hangup', turns: [{ turn: 1, turnLatencyMs: 700 }],
    };
    await sink.endCall(end);
    await sink.endCall({ ...end, status: 'interrupted' });
    expect((await storedSeqs(tmp.dir, 'CA1')).sort()).toEqual([0, 1, 2, 3, 4]);
    const call = await readCall(tmp.dir, 'CA1');
    expect(call.start).toEqual(start);
    expect(call.end?.status).toBe('completed');
    expect(call.transcript.map((e) => e.seq)).toEqual([0, 1, 2, 3, 4]);
  });

  it('remembers what an earlier process wrote, and reads past a torn last line', async () => {
    await track(new FileCallSink(tmp.dir)).appendTranscript('CA2', range(3).map((i) => line('CA2', i)));
    await appendFile(callFilePath(tmp.dir, 'CA2'), '{"kind":"line","entry":{"callS');
    const restarted = track(new FileCallSink(tmp.dir));
    await restarted.appendTranscript('CA2', range(5).map((i) => line('CA2', i)));
    const call = await readCall(tmp.dir, 'CA2');
    expect(call.transcript.map((e) => e.seq)).toEqual([0, 1, 2, 3, 4]);
    expect(await storedSeqs(tmp.dir, 'CA2')).toEqual([0, 1, 2, 3, 4]);
  });

  it('serialises concurrent writes to one call', async () => {
    const sink = track(new FileCallSink(tmp.dir));
    await Promise.all(range(50).map((i) => sink.appendTranscript('CA3', [line('CA3', i % 25)])));
    expect((await storedSeqs(tmp.dir, 'CA3')).sort((a, b) => a - b)).toEqual(range(25));
  });

  it('refuses call SIDs that would escape the data directory', () => {
    expect(() => callFilePath(tmp.dir, '../etc/passwd')).toThrow();
    expect(() => callFilePath(tmp.dir, '..')).toThrow();
    expect(callFilePath(tmp.dir, 'a1b2c3d4e5f6')).toContain('a1b2c3d4e5f6.jsonl');
  });

  it("keeps a call's file open while the call lasts and closes it when the end is written", async () => {
    const sink = track(new FileCallSink(tmp.dir));
    const start = (sid: string) => ({ callSid: sid, agentId: 'a', startedAt: '2024-01-01T00:00:00Z', taskId: 't1' });
    const end = (sid: string) => ({ callSid: sid, status: 'completed' as const, endedAt: '2024-01-01T00:01:00Z', durationSec: 60, endReason: 'caller-hangup', turns: [] });
    await Promise.all(['CA5', 'CA6'].map((sid) => sink.startCall(start(sid))));
    await sink.appendTranscript('CA5', [line('CA5', 0)]);
    expect(sink.openFiles).toBe(2);
    await sink.endCall(end('CA5'));
    expect(sink.openFiles).toBe(1);
    // A batch replayed after the end (a WAL takeover) reopens the file, finds the line there, and adds nothing.
    await sink.appendTranscript('CA5', [line('CA5', 0), line('CA5', 1)]);
    expect(await storedSeqs(tmp.dir, 'CA5')).toEqual([0, 1]);
    await sink.close();
    expect(sink.openFiles).toBe(0);
    expect((await readCall(tmp.dir, 'CA6')).start?.callSid).toBe('CA6');
  });

  it('closes the file of a call that went quiet without an end', async () => {
    const sink = track(new FileCallSink(tmp.dir, 1000));
    await sink.appendTranscript('CA8', [line('CA8', 0)]);
    expect(await sink.closeIdle(Date.now() + 500)).toBe(0);
    expect(sink.openFiles).toBe(1);
    expect(await sink.closeIdle(Date.now() + 1000)).toBe(1);
    expect(sink.openFiles).toBe(0);
    // The call speaks again: the file is reopened and nothing is written twice.
    await sink.appendTranscript('CA8', [line('CA8', 0), line('CA8', 1)]);
    expect(await storedSeqs(tmp.dir, 'CA8')).toEqual([0, 1]);
    await sink.close();
  });

  it('loses nothing when the data directory cannot be created yet: the retry writes it', async () => {
    const dataDir = join(tmp.dir, 'calls');
    await writeFile(dataDir, 'in the way'); // a file where the directory should be
    const sink = track(new FileCallSink(dataDir));
    await expect(sink.appendTranscript('CA7', [line('CA7', 0)])).rejects.toThrow();
    await rm(dataDir);
    await sink.appendTranscript('CA7', [line('CA7', 0)]);
    expect(await storedSeqs(dataDir, 'CA7')).toEqual([0]);
  });
});
