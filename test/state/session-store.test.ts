import Redis from 'ioredis';
import { MemorySessionStore } from '../../services/voice/src/state/sessions/memory-session-store';
import { RedisSessionStore } from '../../services/voice/src/state/sessions/redis-session-store';
import { SessionOwnershipLostError, type CallSession, type SessionStore } from '../../services/voice/src/state/types';
import { startRedis, type TestRedis } from '../support/redis-server';

function session(callSid: string, ownerTaskId = 'task-a'): CallSession {
  return {
    callSid,
    agentId: 'agent-1',
    ownerTaskId,
    state: 'listening',
    turn: 0,
    nextSeq: 0,
    startedAt: '2024-01-01T00:00:00.000Z',
    updatedAt: '2024-01-01T00:00:00.000Z',
    data: { language: 'en-IN', tags: ['vip'], nested: { empty: {}, list: [] } },
  };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Harness {
  store: SessionStore;
  make(opts?: { sessionTtlMs?: number }): SessionStore;
}

function contract(name: string, setup: () => Promise<Harness>, teardown: () => Promise<void>): void {
  describe(name, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await setup();
    });
    afterAll(teardown);

    it('round-trips a session, including nested data', async () => {
      const s = session('rt-1');
      await h.store.create(s, 10_000);
      expect(await h.store.get('rt-1')).toEqual(s);
      const next = { ...s, turn: 3, nextSeq: 7, state: 'speaking', data: { x: 1 } };
      await h.store.save(next);
      expect(await h.store.get('rt-1')).toEqual(next);
      await h.store.delete('rt-1');
      expect(await h.store.get('rt-1')).toBeNull();
      expect(await h.store.get('never-created')).toBeNull();
    });

    it('forgets a session after its TTL', async () => {
      const store = h.make({ sessionTtlMs: 150 });
      await store.create(session('ttl-1'), 10_000);
      expect(await store.get('ttl-1')).not.toBeNull();
      await sleep(400);
      expect(await store.get('ttl-1')).toBeNull();
    });

    it('reports a lease as expired only when its owner stopped renewing', async () => {
      await h.store.create(session('lease-kept', 'task-a'), 200);
      await h.store.create(session('lease-lost', 'task-b'), 200);
      await sleep(100);
      // task-a renews its call (and tries to renew task-b's, which it does not own).
      await h.store.renewLeases('task-a', ['lease-kept', 'lease-lost'], 60_000);
      await sleep(250);
      const expired = await h.store.expiredLeases(Date.now(), 100);
      const sids = expired.map((s) => s.callSid);
      expect(sids).toContain('lease-lost');
      expect(sids).not.toContain('lease-kept');
      expect(expired.find((s) => s.callSid === 'lease-lost')?.ownerTaskId).toBe('task-b');
      await h.store.delete('lease-kept');
      await h.store.delete('lease-lost');
    });

    it('lets exactly one of two concurrent claimers take an expired call', async () => {
      await h.store.create(session('claim-1', 'dead-task'), 1);
      await sleep(20);
      const results = await Promise.all([
        h.store.claim('claim-1', 'reaper-1', 60_000),
        h.store.claim('claim-1', 'reaper-2', 60_000),
      ]);
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = results[0] ? 'reaper-1' : 'reaper-2';
      expect((await h.store.get('claim-1'))?.ownerTaskId).toBe(winner);
      // The lease is fresh again: nobody else can take it, and it is no longer reported.
      expect(await h.store.claim('claim-1', 'reaper-3', 60_000)).toBe(false);
      expect((await h.store.expiredLeases(Date.now(), 100)).map((s) => s.callSid)).not.toContain('claim-1');
      await h.store.delete('claim-1');
    });

    it('refuses to claim a live lease, and fences the old owner after a takeover', async () => {
      const s = session('fence-1', 'task-a');
      await h.store.create(s, 60_000);
      expect(await h.store.claim('fence-1', 'reaper', 60_000)).toBe(false);
      await h.store.create(s, 1);
      await sleep(20);
      expect(await h.store.claim('fence-1', 'reaper', 60_000)).toBe(true);
      await expect(h.store.save({ ...s, turn: 9 })).rejects.toBeInstanceOf(SessionOwnershipLostError);
      expect((await h.store.get('fence-1'))?.turn).toBe(0);
      await h.store.delete('fence-1');
      // A deleted (reaped) call is not resurrected by a late save either.
      await expect(h.store.save({ ...s, ownerTaskId: 'reaper' })).rejects.toBeInstanceOf(SessionOwnershipLostError);
      expect(await h.store.get('fence-1')).toBeNull();
    });
  });
}

contract(
  'MemorySessionStore',
  async () => ({ store: new MemorySessionStore(), make: (o) => new MemorySessionStore(o) }),
  async () => undefined,
);

let redis: TestRedis | undefined;
const clients: Redis[] = [];
contract(
  'RedisSessionStore',
  async () => {
    redis = await startRedis();
    const url = redis.url;
    const make = (o: { sessionTtlMs?: number } = {}): SessionStore => {
      const client = new Redis(url);
      clients.push(client);
      return new RedisSessionStore(client, o);
    };
    return { store: make(), make };
  },
  async () => {
    await Promise.all(clients.map((c) => c.quit()));
    await redis?.stop();
  },
);
