import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startEmulators, type RunningEmulators } from '../../services/emulators/src/index';
import { SimulatedCall, hangup, say, waitForAgent, type CallResult, type CallScript } from '../../services/exotel-sim/src/index';
import { readCallFile } from '../../services/voice/src/state/index';
import { startRedis, type TestRedis } from '../support/redis-server';
import { FAST_EMULATORS, providerEnv } from '../support/voice-harness';
import { startVoiceProcess, writeAgentsFile, type VoiceProcess } from '../support/voice-process';

const listen = [waitForAgent({ until: 'speaking', timeoutMs: 30_000 }), waitForAgent({ until: 'silent', timeoutMs: 30_000 })];
const talk = (turns: number): CallScript => ({
  name: `talk-${turns}`,
  steps: [...listen, ...Array.from({ length: turns }, () => [say(900), ...listen]).flat(), hangup()],
});

async function storedCall(dataDir: string, callSid: string) {
  const records = await readCallFile(join(dataDir, 'calls'), callSid);
  const lines = records.flatMap((r) => (r.kind === 'line' ? [r.entry] : []));
  const end = records.find((r) => r.kind === 'end');
  return { lines, end: end?.kind === 'end' ? end.end : undefined };
}

/** Every line once, seq 0..n-1 with no gap: nothing lost, nothing duplicated. */
function expectCompleteTranscript(lines: Array<{ seq: number }>): void {
  const seqs = lines.map((l) => l.seq);
  expect(new Set(seqs).size).toBe(seqs.length);
  expect([...seqs].sort((a, b) => a - b)).toEqual(seqs.map((_, i) => i));
}

function openStatus(url: string): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url);
    ws.once('open', () => {
      ws.terminate();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    ws.once('error', () => resolve(0));
  });
}

describe('call state survives a crash and a drain', () => {
  let redis: TestRedis;
  let emu: RunningEmulators;
  let dataDir: string;
  let agentsFile: string;
  const procs: VoiceProcess[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    emu = await startEmulators(FAST_EMULATORS);
    agentsFile = writeAgentsFile([{ agentId: 'default', greeting: 'Hello!', stt: { endpointingMs: 200 } }]);
  });
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'ca-data-'));
    emu.reset();
  });
  afterEach(async () => {
    for (const p of procs.splice(0)) {
      p.kill('SIGKILL');
      await p.exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });
  afterAll(async () => {
    await emu.close();
    await redis.stop();
  });

  const env = (taskId: string): Record<string, string> => ({
    TASK_ID: taskId,
    REDIS_URL: redis.url,
    DATA_DIR: dataDir,
    SESSION_LEASE_TTL_MS: '2000',
    TRANSCRIPT_FLUSH_MS: '10000',
    ...providerEnv(emu),
    LIMIT_DEEPGRAM_TTS: '15',
    AGENTS_FILE: agentsFile,
    DRAIN_DEADLINE_SEC: '60',
  });

  it('kill -9 mid-call: another task finalises the calls as interrupted, every line stored exactly once', async () => {
    const a = await startVoiceProcess(env('task-a'));
    const b = await startVoiceProcess(env('task-b'));
    procs.push(a, b);
    const sids = Array.from({ length: 10 }, (_, i) => `CAcrash${i}`);
    const calls: Array<Promise<CallResult>> = sids.map((sid) =>
      new SimulatedCall({ url: `${a.wsBase}/ws/exotel/voice/${sid}?agent=default`, callSid: sid, script: talk(6) }).run(),
    );
    await new Promise((r) => setTimeout(r, 6000));
    a.kill('SIGKILL');
    const killedAt = Date.now();
    await a.exited;
    const results = await Promise.all(calls);
    // B's reaper: lease TTL 2 s, then the dead task's log is drained and the calls closed.
    const deadline = Date.now() + 20_000;
    let finalised = 0;
    while (Date.now() < deadline) {
      finalised = 0;
      for (const sid of sids) if ((await storedCall(dataDir, sid)).end) finalised++;
      if (finalised === sids.length) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(finalised).toBe(sids.length);
    for (const [i, sid] of sids.entries()) {
      const { lines, end } = await storedCall(dataDir, sid);
      expect(end?.status).toBe('interrupted');
      expect(end?.endReason).toBe('task-lost');
      expectCompleteTranscript(lines);
      // Each turn the caller got an answer to before the kill was a caller line in the log.
      const answered = results[i]!.turns.filter((t) => t.latencyMs !== null).length;
      expect(lines.filter((l) => l.speaker === 'caller').length).toBeGreaterThanOrEqual(answered);
      expect(lines[0]?.speaker).toBe('agent'); // the greeting
    }
    expect(Date.now() - killedAt).toBeLessThan(25_000);
  });

  it('SIGTERM during 5 live calls: they finish, new calls are refused, exit 0, nothing lost', async () => {
    const p = await startVoiceProcess(env('task-drain'));
    procs.push(p);
    const sids = Array.from({ length: 5 }, (_, i) => `CAdrain${i}`);
    const calls = sids.map((sid) =>
      new SimulatedCall({ url: `${p.wsBase}/ws/exotel/voice/${sid}?agent=default`, callSid: sid, script: talk(2) }).run(),
    );
    await new Promise((r) => setTimeout(r, 2500));
    p.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    expect(await openStatus(`${p.wsBase}/ws/exotel/voice/CAlate?agent=default`)).toBe(503);
    expect((await fetch(`${p.url}/health`)).status).toBe(503);
    const results = await Promise.all(calls);
    expect(results.every((r) => r.completed)).toBe(true);
    const exit = await p.exited;
    expect(exit.code).toBe(0);
    for (const sid of sids) {
      const { lines, end } = await storedCall(dataDir, sid);
      expect(end?.status).toBe('completed');
      expectCompleteTranscript(lines);
      expect(lines.filter((l) => l.speaker === 'caller').length).toBe(2);
    }
  });
});
