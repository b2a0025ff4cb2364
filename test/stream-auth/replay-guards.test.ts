import Redis from 'ioredis';
import { signStreamUrl } from '../../services/shared/src/stream-signature';
import { authenticateStreamRequest, MemoryReplayGuard, RedisReplayGuard } from '../../services/shared/src/stream-auth';
import { startRedis, type TestRedis } from '../support/redis-server';

describe('MemoryReplayGuard', () => {
  it('claims a key once until it expires, then again', async () => {
    let now = 0;
    const guard = new MemoryReplayGuard({ nowMs: () => now });
    await expect(guard.claimOnce('k', 60)).resolves.toBe(true);
    await expect(guard.claimOnce('k', 60)).resolves.toBe(false);
    now = 60_001;
    await expect(guard.claimOnce('k', 60)).resolves.toBe(true);
  });

  it('stays within its bound, dropping expired entries before live ones', async () => {
    let now = 0;
    const guard = new MemoryReplayGuard({ maxEntries: 3, nowMs: () => now });
    await guard.claimOnce('short', 1);
    await guard.claimOnce('long-1', 600);
    await guard.claimOnce('long-2', 600);
    now = 5_000; // 'short' has expired
    await guard.claimOnce('new', 600);
    expect(guard.size).toBe(3);
    await expect(guard.claimOnce('long-1', 600)).resolves.toBe(false);
    for (let i = 0; i < 100; i++) await guard.claimOnce(`flood-${i}`, 600);
    expect(guard.size).toBe(3);
  });
});

describe('RedisReplayGuard (real redis-server)', () => {
  let redis: TestRedis;
  let clientA: Redis;
  let clientB: Redis;

  beforeAll(async () => {
    redis = await startRedis();
    clientA = new Redis(redis.url);
    clientB = new Redis(redis.url);
  });
  afterAll(async () => {
    clientA.disconnect();
    clientB.disconnect();
    await redis.stop();
  });

  it('lets exactly one of many concurrent claimants across clients win', async () => {
    const a = new RedisReplayGuard(clientA);
    const b = new RedisReplayGuard(clientB);
    const claims = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).claimOnce('CA1:sig', 60)));
    expect(claims.filter(Boolean)).toHaveLength(1);
  });

  it('sets an expiry on the claim (SET NX EX)', async () => {
    await new RedisReplayGuard(clientA, 'test:').claimOnce('CA2:sig', 90);
    const ttl = await clientA.ttl('test:CA2:sig');
    expect(ttl).toBeGreaterThan(80);
    expect(ttl).toBeLessThanOrEqual(90);
  });

  it('refuses a URL on a second voice task once the first task accepted it', async () => {
    const key = { id: 'k1', secret: 'q'.repeat(40) };
    const url = new URL(signStreamUrl('wss://voice.example.com', { callSid: 'CA3', agentId: 'sales', expiresAt: Math.floor(Date.now() / 1000) + 60 }, key));
    const req = { url: `${url.pathname}${url.search}`, headers: {} };
    const taskA = { mode: 'required' as const, keys: [key], replayGuard: new RedisReplayGuard(clientA) };
    const taskB = { mode: 'required' as const, keys: [key], replayGuard: new RedisReplayGuard(clientB) };
    await expect(authenticateStreamRequest(req, taskA)).resolves.toMatchObject({ ok: true, method: 'signature' });
    await expect(authenticateStreamRequest(req, taskB)).resolves.toEqual({ ok: false, status: 401, reason: 'replayed' });
  });
});
