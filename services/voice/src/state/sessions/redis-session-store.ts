import type Redis from 'ioredis';
import { z } from 'zod';
import { SessionOwnershipLostError, type CallSession, type SessionStore, type StateLogger, silentLogger } from '../types';
import { DEFAULT_SESSION_TTL_MS } from './memory-session-store';
import { claimSessionScript, createSessionScript, renewLeasesScript, saveSessionScript } from './session-scripts';

const sessionSchema = z.object({
  callSid: z.string(),
  agentId: z.string(),
  ownerTaskId: z.string(),
  state: z.string(),
  turn: z.number(),
  nextSeq: z.number(),
  startedAt: z.string(),
  updatedAt: z.string(),
  data: z.record(z.unknown()).optional(),
});

export interface RedisSessionStoreOptions {
  /** Key prefix; keep the `{…}` hash tag so the multi-key scripts stay in one cluster slot. */
  keyPrefix?: string;
  sessionTtlMs?: number;
  logger?: StateLogger;
  /** Close the client in close() (true when the factory created it). */
  ownsClient?: boolean;
}

/**
 * Sessions as JSON strings with a TTL, an owner hash (callSid -> taskId, the source of truth for
 * ownership) and a lease ZSET (callSid scored by lease expiry) that the reaper scans.
 */
export class RedisSessionStore implements SessionStore {
  private readonly prefix: string;
  private readonly sessionTtlMs: number;
  private readonly logger: StateLogger;

  constructor(
    private readonly redis: Redis,
    private readonly options: RedisSessionStoreOptions = {},
  ) {
    this.prefix = options.keyPrefix ?? 'ca:{calls}:';
    this.sessionTtlMs = options.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS;
    this.logger = options.logger ?? silentLogger;
  }

  private sessionKey(callSid: string): string {
    return `${this.prefix}session:${callSid}`;
  }
  private get leasesKey(): string {
    return `${this.prefix}leases`;
  }
  private get ownersKey(): string {
    return `${this.prefix}owners`;
  }

  async create(s: CallSession, leaseTtlMs: number): Promise<void> {
    await createSessionScript.run(
      this.redis,
      [this.sessionKey(s.callSid), this.leasesKey, this.ownersKey],
      [JSON.stringify(s), this.sessionTtlMs, Date.now() + leaseTtlMs, s.callSid, s.ownerTaskId],
    );
  }

  async save(s: CallSession): Promise<void> {
    const written = await saveSessionScript.run(
      this.redis,
      [this.sessionKey(s.callSid), this.ownersKey],
      [JSON.stringify(s), this.sessionTtlMs, s.callSid, s.ownerTaskId],
    );
    if (written !== 1) throw new SessionOwnershipLostError(s.callSid, s.ownerTaskId);
  }

  async get(callSid: string): Promise<CallSession | null> {
    const [json, owner] = await this.readRaw([callSid]).then((r) => r[0] ?? [null, null]);
    return this.decode(callSid, json, owner);
  }

  async renewLeases(taskId: string, callSids: string[], leaseTtlMs: number): Promise<void> {
    if (callSids.length === 0) return;
    await renewLeasesScript.run(
      this.redis,
      [this.leasesKey, this.ownersKey, ...callSids.map((c) => this.sessionKey(c))],
      [taskId, Date.now() + leaseTtlMs, this.sessionTtlMs, ...callSids],
    );
  }

  async expiredLeases(now: number, limit: number): Promise<CallSession[]> {
    const callSids = await this.redis.zrangebyscore(this.leasesKey, '-inf', now, 'LIMIT', 0, limit);
    if (callSids.length === 0) return [];
    const raw = await this.readRaw(callSids);
    const sessions: CallSession[] = [];
    const vanished: string[] = [];
    callSids.forEach((callSid, i) => {
      const [json, owner] = raw[i] ?? [null, null];
      const s = this.decode(callSid, json, owner);
      if (s) sessions.push(s);
      else vanished.push(callSid);
    });
    if (vanished.length > 0) {
      // The session TTL ran out long after the lease: nothing left to finalize from here.
      this.logger.warn({ callSids: vanished }, 'dropping leases of sessions that expired');
      await this.redis.multi().zrem(this.leasesKey, ...vanished).hdel(this.ownersKey, ...vanished).exec();
    }
    return sessions;
  }

  async claim(callSid: string, taskId: string, leaseTtlMs: number): Promise<boolean> {
    const now = Date.now();
    const won = await claimSessionScript.run(
      this.redis,
      [this.leasesKey, this.ownersKey, this.sessionKey(callSid)],
      [callSid, taskId, now, now + leaseTtlMs],
    );
    return won === 1;
  }

  async delete(callSid: string): Promise<void> {
    await this.redis
      .multi()
      .del(this.sessionKey(callSid))
      .zrem(this.leasesKey, callSid)
      .hdel(this.ownersKey, callSid)
      .exec();
  }

  async close(): Promise<void> {
    if (this.options.ownsClient) await this.redis.quit().catch(() => undefined);
  }

  /** [sessionJson, ownerTaskId] per callSid, in one round trip. */
  private async readRaw(callSids: string[]): Promise<Array<[string | null, string | null]>> {
    const pipeline = this.redis.pipeline();
    for (const c of callSids) pipeline.get(this.sessionKey(c)).hget(this.ownersKey, c);
    const results = (await pipeline.exec()) ?? [];
    return callSids.map((_, i) => {
      const json = results[2 * i];
      const owner = results[2 * i + 1];
      if (json?.[0]) throw json[0];
      if (owner?.[0]) throw owner[0];
      return [asNullableString(json?.[1]), asNullableString(owner?.[1])];
    });
  }

  private decode(callSid: string, json: string | null, owner: string | null): CallSession | null {
    if (json === null) return null;
    const parsed = sessionSchema.safeParse(JSON.parse(json));
    if (!parsed.success) {
      this.logger.error({ callSid, issues: parsed.error.issues }, 'unreadable session in Redis');
      return null;
    }
    // The owner hash is authoritative: a claim changes it without rewriting the JSON.
    return { ...parsed.data, ownerTaskId: owner ?? parsed.data.ownerTaskId };
  }
}

function asNullableString(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}
