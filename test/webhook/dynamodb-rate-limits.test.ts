import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { createAdmissionLimiter, type LimitCheck } from '../../services/webhook/src/rate-limit/admission-limiter';
import { DynamoCounterStore } from '../../services/webhook/src/rate-limit/dynamodb-counter-store';
import { maxAdmittedInAnySpan } from './support/span-count';
import { startDynalite, type TestDynamo } from './support/dynalite';

/** On a bucket boundary (10 s buckets, 60 s window). */
const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);
const global = (limitPerMinute: number): LimitCheck => ({ scope: 'global', id: '', limitPerMinute });
const agent = (id: string, limitPerMinute: number): LimitCheck => ({ scope: 'agent', id, limitPerMinute });
const caller = (id: string, limitPerMinute: number): LimitCheck => ({ scope: 'caller', id, limitPerMinute });

describe('rate limits on DynamoDB (dynalite)', () => {
  let dynamo: TestDynamo;
  let tables = 0;
  const newTable = async (): Promise<string> => {
    const name = `rate-limits-${++tables}`;
    await dynamo.createRateLimitTable(name);
    return name;
  };
  const newLimiter = async () => {
    const tableName = await newTable();
    const store = new DynamoCounterStore({ client: dynamo.client, tableName });
    return { tableName, store, limiter: createAdmissionLimiter(store) };
  };
  const item = async (tableName: string, pk: string) =>
    (await dynamo.client.send(new GetItemCommand({ TableName: tableName, Key: { pk: { S: pk } }, ConsistentRead: true }))).Item;
  const bucketSum = (it: Awaited<ReturnType<typeof item>>): number =>
    Object.entries(it ?? {})
      .filter(([name]) => /^b\d+$/.test(name))
      .reduce((sum, [, v]) => sum + Number(v.N), 0);

  beforeAll(async () => {
    dynamo = await startDynalite();
  });
  afterAll(async () => {
    await dynamo.stop();
  });

  it('admits exactly 50 of 200 concurrent calls in one window (global limit 50)', async () => {
    const { limiter } = await newLimiter();
    const outcomes = await Promise.all(Array.from({ length: 200 }, () => limiter.admit([global(50)], T0 + 5_000)));
    expect(outcomes.filter((o) => o.kind === 'admitted')).toHaveLength(50);
    expect(outcomes.filter((o) => o.kind === 'refused' && o.refusedBy === 'global')).toHaveLength(150);
  });

  it('admits exactly 20 per agent of 200 concurrent calls each for two agents (agent limit 20)', async () => {
    const { limiter } = await newLimiter();
    const calls = Array.from({ length: 400 }, (_, i) => limiter.admit([agent(i % 2 ? 'sales' : 'support', 20), global(1000)], T0 + 1_000));
    const outcomes = await Promise.all(calls);
    const admittedFor = (parity: number) => outcomes.filter((o, i) => i % 2 === parity && o.kind === 'admitted').length;
    expect(admittedFor(1)).toBe(20);
    expect(admittedFor(0)).toBe(20);
  });

  it('admits exactly 3 of 200 concurrent calls from one caller (caller limit 3)', async () => {
    const { limiter } = await newLimiter();
    const outcomes = await Promise.all(Array.from({ length: 200 }, () => limiter.admit([caller('+919876543210', 3), agent('a', 20), global(50)], T0)));
    expect(outcomes.filter((o) => o.kind === 'admitted')).toHaveLength(3);
    expect(outcomes.filter((o) => o.kind === 'refused' && o.refusedBy === 'caller')).toHaveLength(197);
  });

  it('rolls back earlier counters when a later one refuses, so refused calls use no quota', async () => {
    const { limiter, tableName } = await newLimiter();
    // Global limit 5 refuses 15 of 20 calls after their agent counter was incremented.
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => limiter.admit([agent('sales', 100), global(5)], T0)));
    expect(outcomes.filter((o) => o.kind === 'admitted')).toHaveLength(5);
    expect(bucketSum(await item(tableName, 'rl#agent#sales'))).toBe(5);
    expect(bucketSum(await item(tableName, 'rl#global'))).toBe(5);
  });

  it('sets the TTL attribute to when the counter stops mattering, and admits again in a new window', async () => {
    const { limiter, tableName } = await newLimiter();
    for (let i = 0; i < 50; i++) expect((await limiter.admit([global(50)], T0 + 2_000)).kind).toBe('admitted');
    const stored = await item(tableName, 'rl#global');
    // Bucket [T0, T0+10 s) counts in windows until T0+70 s.
    expect(Number(stored?.expiresAt?.N)).toBe((T0 + 70_000) / 1000);
    expect((await limiter.admit([global(50)], T0 + 69_999)).kind).toBe('refused');
    const later = await Promise.all(Array.from({ length: 60 }, () => limiter.admit([global(50)], T0 + 70_000)));
    expect(later.filter((o) => o.kind === 'admitted')).toHaveLength(50);
    // Expired buckets are dropped from the item as it is written.
    const names = Object.keys((await item(tableName, 'rl#global')) ?? {}).filter((n) => n.startsWith('b'));
    expect(names.length).toBeLessThanOrEqual(2);
  });

  it('does not double the limit across a minute boundary (sliding window)', async () => {
    const { limiter } = await newLimiter();
    const late = await Promise.all(Array.from({ length: 60 }, () => limiter.admit([global(50)], T0 + 59_900)));
    expect(late.filter((o) => o.kind === 'admitted')).toHaveLength(50);
    // A fixed per-minute window would admit another 50 here, 200 ms later.
    const next = await Promise.all(Array.from({ length: 60 }, () => limiter.admit([global(50)], T0 + 60_100)));
    expect(next.filter((o) => o.kind === 'admitted')).toHaveLength(0);
  });

  it('never admits more than the limit in any 60 s span under a random concurrent load', async () => {
    const { limiter } = await newLimiter();
    // Waves of concurrent calls at pseudo-random instants over 4 minutes (deterministic LCG).
    let seed = 42;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const admittedAt: number[] = [];
    let t = T0 + 3_000;
    while (t < T0 + 240_000) {
      const wave = 1 + Math.floor(rand() * 15);
      const at = t;
      const outcomes = await Promise.all(Array.from({ length: wave }, () => limiter.admit([global(20)], at)));
      outcomes.forEach((o) => o.kind === 'admitted' && admittedAt.push(at));
      t += Math.floor(rand() * 6_000);
    }
    expect(admittedAt.length).toBeGreaterThan(60);
    expect(maxAdmittedInAnySpan(admittedAt, 60_000)).toBeLessThanOrEqual(20);
  });

  it('is exact when two webhook instances (separate caches) race on the same counter', async () => {
    const tableName = await newTable();
    const a = createAdmissionLimiter(new DynamoCounterStore({ client: dynamo.client, tableName }));
    const b = createAdmissionLimiter(new DynamoCounterStore({ client: dynamo.client, tableName }));
    // Warm both caches with an old picture, then let them race in a later bucket.
    await a.admit([global(30)], T0);
    await b.admit([global(30)], T0);
    const outcomes = await Promise.all(Array.from({ length: 100 }, (_, i) => (i % 2 ? a : b).admit([global(30)], T0 + 25_000)));
    expect(outcomes.filter((o) => o.kind === 'admitted')).toHaveLength(28);
  });
});
