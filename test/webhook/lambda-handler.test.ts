import type { ALBEvent, ALBResult } from 'aws-lambda';
import { startDynalite, type TestDynamo } from './support/dynalite';
import { albEvent, BASE_ENV } from './support/webhook-fixtures';

type Handler = (event: ALBEvent) => Promise<ALBResult>;

/** Loads services/webhook/src/handler.ts as Lambda would: a cold start reading process.env. */
function coldStartHandler(env: NodeJS.ProcessEnv): Handler {
  const saved = { ...process.env };
  Object.assign(process.env, { POWERTOOLS_LOG_LEVEL: 'SILENT' }, env);
  try {
    let loaded: Handler | undefined;
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      loaded = (require('../../services/webhook/src/handler') as { handler: Handler }).handler;
    });
    if (!loaded) throw new Error('handler not loaded');
    return loaded;
  } finally {
    process.env = saved;
  }
}

describe('Lambda handler (services/webhook/src/handler.ts) against dynalite', () => {
  let dynamo: TestDynamo;
  let stdout: string[];
  let spy: jest.SpyInstance;

  beforeAll(async () => {
    dynamo = await startDynalite();
    await dynamo.createRateLimitTable('calling-agent-rate-limits');
  });
  afterAll(async () => {
    await dynamo.stop();
  });
  beforeEach(() => {
    stdout = [];
    spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stdout.push(String(chunk));
      return true;
    });
  });
  afterEach(() => {
    spy.mockRestore();
    jest.useRealTimers();
  });

  it('refuses to cold-start without RATE_LIMIT_TABLE (per-instance counters would multiply limits)', () => {
    expect(() => coldStartHandler({ ...BASE_ENV, RATE_LIMIT_TABLE: '' })).toThrow(/RATE_LIMIT_TABLE/);
  });

  it('admits exactly 30 of 100 concurrent calls and emits one CallsAdmitted per admission', async () => {
    // Freeze only the wall clock: the burst must land in one window however slow the machine.
    jest.useFakeTimers({ now: Date.UTC(2025, 0, 1, 12, 0, 1), doNotFake: ['nextTick', 'setImmediate', 'clearImmediate', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'queueMicrotask', 'hrtime', 'performance'] });
    const handler = coldStartHandler({
      ...BASE_ENV,
      RATE_LIMIT_TABLE: 'calling-agent-rate-limits',
      DYNAMODB_ENDPOINT: dynamo.endpoint,
      CALLS_PER_MINUTE: '30',
      CALLS_PER_AGENT_PER_MINUTE: '1000',
      TRUSTED_CIDRS: '182.76.0.0/16',
      ENVIRONMENT: 'test',
    });
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        handler(albEvent({ query: { CallSid: `CA${i}`, CallFrom: '+919876543210', agent: 'sales' }, forwardedFor: '182.76.1.2' })),
      ),
    );
    const byStatus: Record<number, number> = {};
    for (const r of results) byStatus[r.statusCode] = (byStatus[r.statusCode] ?? 0) + 1;
    expect(byStatus).toEqual({ 200: 30, 429: 70 });
    const emf = stdout.filter((l) => l.includes('"_aws"'));
    expect(emf.filter((l) => l.includes('"CallsAdmitted":1'))).toHaveLength(30);
    expect(emf.filter((l) => l.includes('"Reason":"rate-limit-global"'))).toHaveLength(70);
  });

  it('fails closed (503) or open (200) when DynamoDB is unreachable, per RATE_LIMIT_FAIL_MODE', async () => {
    const unreachable = { ...BASE_ENV, RATE_LIMIT_TABLE: 't', DYNAMODB_ENDPOINT: 'http://127.0.0.1:9' };
    const event = albEvent({ query: { CallSid: 'CA1', CallFrom: '+919876543210', agent: 'sales' } });
    expect((await coldStartHandler({ ...unreachable, RATE_LIMIT_FAIL_MODE: 'closed' })(event)).statusCode).toBe(503);
    expect((await coldStartHandler({ ...unreachable, RATE_LIMIT_FAIL_MODE: 'open' })(event)).statusCode).toBe(200);
    expect(stdout.filter((l) => l.includes('"RateLimiterUnavailable":1'))).toHaveLength(2);
  });
});
