import Redis from 'ioredis';
import { startEmulators, type RunningEmulators } from '../../services/emulators/src/index';
import { SimulatedCall, hangup, pause, say, waitForAgent, type CallResult, type CallScript } from '../../services/exotel-sim/src/index';
import { startRedis, type TestRedis } from '../support/redis-server';
import { FAST_EMULATORS, providerEnv } from '../support/voice-harness';
import { startVoiceProcess, writeAgentsFile, type VoiceProcess } from '../support/voice-process';

const listen = [waitForAgent({ until: 'speaking', timeoutMs: 60_000 }), waitForAgent({ until: 'silent', timeoutMs: 60_000 })];
const script: CallScript = { name: 'one-question', steps: [...listen, say(1000), ...listen, hangup()] };

function call(p: VoiceProcess, callSid: string): Promise<CallResult> {
  return new SimulatedCall({ url: `${p.wsBase}/ws/exotel/voice/${callSid}?agent=default`, callSid, script }).run();
}

async function leaseKeys(redis: Redis): Promise<number> {
  let n = 0;
  for (const key of await redis.keys('calling-agent:capacity:*')) {
    const type = await redis.type(key);
    n += type === 'zset' ? await redis.zcard(key) : type === 'hash' ? await redis.hlen(key) : 1;
  }
  return n;
}

describe('provider limits are per account: two tasks share them through Redis', () => {
  let redis: TestRedis;
  let emu: RunningEmulators;
  let agentsFile: string;
  const procs: VoiceProcess[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    emu = await startEmulators({ ...FAST_EMULATORS, deepgramStt: { ...FAST_EMULATORS.deepgramStt, limit: 20 } });
    agentsFile = writeAgentsFile([{ agentId: 'default', greeting: 'Hello!', stt: { endpointingMs: 200 } }]);
  });
  afterEach(async () => {
    for (const p of procs.splice(0)) {
      p.kill('SIGKILL');
      await p.exited;
    }
  });
  afterAll(async () => {
    await emu.close();
    await redis.stop();
  });

  const env = (): Record<string, string> => ({
    REDIS_URL: redis.url,
    LIMIT_DEEPGRAM_STT: '20',
    LIMIT_ELEVENLABS_TTS: '10',
    LIMIT_DEEPGRAM_TTS: '15',
    ...providerEnv(emu),
    AGENTS_FILE: agentsFile,
    HOLD_PROMPT_AFTER_MS: '300',
    STT_QUEUE_TIMEOUT_MS: '60000',
    CAPACITY_LEASE_TTL_MS: '3000',
  });

  it('40 calls on two tasks against a 20-stream account: never a 429, waiters hear the hold prompt, no lease left', async () => {
    emu.reset();
    procs.push(await startVoiceProcess(env()), await startVoiceProcess(env()));
    const [a, b] = procs as [VoiceProcess, VoiceProcess];
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => call(i % 2 === 0 ? a : b, `CAshare${i}`)));
    const stt = emu.stats().deepgramStt;
    expect(stt.maxConcurrent).toBeLessThanOrEqual(20);
    expect(stt.rejected429).toBe(0);
    expect(results.filter((r) => r.completed)).toHaveLength(40);
    const [sa, sb] = await Promise.all([a.stats(), b.stats()]);
    expect(sa.counters.holdPrompts + sb.counters.holdPrompts).toBeGreaterThanOrEqual(20);
    const client = new Redis(redis.url);
    try {
      // Slots are released once the provider has seen each socket close (plus a short grace).
      let left = await leaseKeys(client);
      for (let i = 0; i < 50 && left > 0; i++) {
        await new Promise((r) => setTimeout(r, 100));
        left = await leaseKeys(client);
      }
      expect(left).toBe(0);
    } finally {
      client.disconnect();
    }
  });

  it('kill -9 of a task holding every slot: the other task\'s waiting calls get them within the lease TTL', async () => {
    emu.reset();
    procs.push(await startVoiceProcess(env()), await startVoiceProcess(env()));
    const [a, b] = procs as [VoiceProcess, VoiceProcess];
    // 20 calls on A take every stream; they keep talking long enough to hold them.
    const longScript: CallScript = { name: 'long', steps: [...listen, say(1000), ...listen, say(1000), ...listen, say(1000), ...listen, hangup()] };
    const onA = Array.from({ length: 20 }, (_, i) =>
      new SimulatedCall({ url: `${a.wsBase}/ws/exotel/voice/CAkillA${i}?agent=default`, callSid: `CAkillA${i}`, script: longScript }).run(),
    );
    await new Promise((r) => setTimeout(r, 2500));
    expect((await a.stats()).limits['deepgram-stt'].inUse).toBe(20);
    // B's callers stay quiet while they wait (hold prompts play), so none hangs up before the
    // freed slots reach it: the one-question script would take a hold prompt for the answer.
    const waitingScript: CallScript = { name: 'wait-then-ask', steps: [...listen, pause(9000), say(1000), ...listen, hangup()] };
    const onB = Array.from({ length: 5 }, (_, i) =>
      new SimulatedCall({ url: `${b.wsBase}/ws/exotel/voice/CAkillB${i}?agent=default`, callSid: `CAkillB${i}`, script: waitingScript }).run(),
    );
    await new Promise((r) => setTimeout(r, 1000));
    expect((await b.stats()).limits['deepgram-stt'].localQueued).toBe(5);
    const killedAt = Date.now();
    a.kill('SIGKILL');
    await a.exited;
    // Wait until none of B's calls is still queued, then count the grants.
    let grantedAfterMs = -1;
    let lastStt: { localQueued: number; waitMs: { count: number }; timeouts: number; aborts: number } | undefined;
    while (Date.now() - killedAt < 15_000) {
      const stt = (await b.stats()).limits['deepgram-stt'] as NonNullable<typeof lastStt>;
      lastStt = stt;
      if (stt.localQueued === 0) {
        grantedAfterMs = Date.now() - killedAt;
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(lastStt?.localQueued).toBe(0);
    expect(grantedAfterMs).toBeLessThan(3000 + 2000); // lease TTL plus scheduling slack
    // Every one of the five was granted, none gave up waiting.
    expect({ granted: lastStt?.waitMs.count, timeouts: lastStt?.timeouts, aborts: lastStt?.aborts }).toEqual({ granted: 5, timeouts: 0, aborts: 0 });
    const resultsB = await Promise.all(onB);
    expect(resultsB.every((r) => r.completed)).toBe(true);
    await Promise.all(onA);
    expect(emu.stats().deepgramStt.rejected429).toBe(0);
  });
});
