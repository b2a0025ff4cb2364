import { handleAlbEvent } from '../../services/webhook/src/admission';
import type { WindowCounterStore } from '../../services/webhook/src/rate-limit/counter-store';
import { MemoryCounterStore } from '../../services/webhook/src/rate-limit/memory-counter-store';
import { verifyStreamSignature } from '../../services/shared/src/stream-signature';
import { albEvent, CALL, SIGNING_SECRET, T0, testDeps } from './support/webhook-fixtures';

const json = (body: string | undefined): Record<string, unknown> => JSON.parse(body ?? '{}') as Record<string, unknown>;

describe('Voicebot dynamic URL (/exotel/webhook)', () => {
  it('answers a GET with {"url": signed wss URL} carrying call SID, agent and expiry', async () => {
    const deps = testDeps();
    const res = await handleAlbEvent(albEvent({ query: { ...CALL, agent: 'sales' } }), deps);
    expect(res.statusCode).toBe(200);
    const url = new URL(String(json(res.body).url));
    expect(url.protocol).toBe('wss:');
    expect(url.pathname).toBe(`/ws/exotel/voice/${CALL.CallSid}`);
    expect(url.searchParams.get('agent')).toBe('sales');
    expect(Number(url.searchParams.get('exp'))).toBe(Math.floor((T0 + 1_000) / 1000) + 60);
    const check = verifyStreamSignature(CALL.CallSid, url.searchParams, [{ id: 'env', secret: SIGNING_SECRET }], Math.floor(T0 / 1000));
    expect(check.ok).toBe(true);
    expect(deps.metrics.admittedCount).toBe(1);
  });

  it('accepts a POST form body and a POST JSON body alike', async () => {
    const form = new URLSearchParams({ ...CALL, agent: 'sales' }).toString();
    const r1 = await handleAlbEvent(albEvent({ method: 'POST', body: form, contentType: 'application/x-www-form-urlencoded; charset=utf-8' }), testDeps());
    const r2 = await handleAlbEvent(albEvent({ method: 'POST', body: JSON.stringify({ ...CALL, agent: 'sales' }), contentType: 'application/json' }), testDeps());
    expect([r1.statusCode, r2.statusCode]).toEqual([200, 200]);
    expect(String(json(r2.body).url)).toContain('agent=sales');
  });

  it('takes the agent from the query string with the call fields in the body', async () => {
    const res = await handleAlbEvent(
      albEvent({ method: 'POST', query: { agent: 'support' }, body: new URLSearchParams(CALL).toString(), contentType: 'application/x-www-form-urlencoded' }),
      testDeps(),
    );
    expect(String(json(res.body).url)).toContain('agent=support');
  });

  it('uses DEFAULT_AGENT_ID when the request names no agent, and 400 when neither exists', async () => {
    const withDefault = await handleAlbEvent(albEvent({ query: CALL }), testDeps({ DEFAULT_AGENT_ID: 'receptionist' }));
    expect(String(json(withDefault.body).url)).toContain('agent=receptionist');
    const without = await handleAlbEvent(albEvent({ query: CALL }), testDeps());
    expect(without.statusCode).toBe(400);
    expect(json(without.body).reason).toBe('missing-agent');
  });

  it('puts the URL under the configured field name and honours the configured TTL', async () => {
    const res = await handleAlbEvent(albEvent({ query: { ...CALL, agent: 'a' } }), testDeps({ STREAM_URL_FIELD: 'stream_url', STREAM_URL_TTL_SECONDS: '30' }));
    const body = json(res.body);
    expect(Object.keys(body)).toEqual(['stream_url']);
    expect(new URL(String(body.stream_url)).searchParams.get('exp')).toBe(String(Math.floor((T0 + 1_000) / 1000) + 30));
  });

  it('answers 429 with the refusing scope once the limit is reached', async () => {
    const deps = testDeps({ CALLS_PER_CALLER_PER_MINUTE: '2' });
    const codes = [];
    for (let i = 0; i < 3; i++) codes.push((await handleAlbEvent(albEvent({ query: { ...CALL, CallSid: `CA${i}`, agent: 'a' } }), deps)).statusCode);
    expect(codes).toEqual([200, 200, 429]);
    expect(deps.metrics.rejectedReasons).toEqual(['rate-limit-caller']);
  });

  it('never logs the signing key or a usable signed URL', async () => {
    const deps = testDeps();
    const res = await handleAlbEvent(albEvent({ query: { ...CALL, agent: 'sales' } }), deps);
    const sig = new URL(String(json(res.body).url)).searchParams.get('sig') ?? 'missing';
    expect(deps.log.text).not.toContain(sig);
    expect(deps.log.text).not.toContain(SIGNING_SECRET);
    expect(deps.log.text).toContain('sig=[redacted]');
    expect(deps.log.text).not.toContain('9876543210'); // caller number masked
  });
});

describe('Passthru (/exotel/passthru)', () => {
  it('answers 200 to admit and 429 (a non-2xx: the flow\'s rejected branch) when over the limit', async () => {
    const deps = testDeps({ CALLS_PER_AGENT_PER_MINUTE: '1' });
    const first = await handleAlbEvent(albEvent({ path: '/exotel/passthru', query: { ...CALL, agent: 'a' } }), deps);
    const second = await handleAlbEvent(albEvent({ path: '/exotel/passthru', query: { ...CALL, CallSid: 'CA2', agent: 'a' } }), deps);
    expect(first.statusCode).toBe(200);
    expect(json(first.body)).toEqual({ admitted: true });
    expect(second.statusCode).toBe(429);
    expect(json(second.body)).toEqual({ error: 'rate-limited', scope: 'agent' });
  });
});

describe('ALB target groups with multi-value headers', () => {
  it('reads multiValueQueryStringParameters and answers with multiValueHeaders', async () => {
    const base = albEvent({});
    const event = {
      ...base,
      queryStringParameters: undefined,
      headers: undefined,
      multiValueQueryStringParameters: { CallSid: [CALL.CallSid], CallFrom: [encodeURIComponent('+919876543210')], agent: ['sales'] },
      multiValueHeaders: { 'x-forwarded-for': ['198.51.100.10'] },
    };
    const res = await handleAlbEvent(event, testDeps());
    expect(res.statusCode).toBe(200);
    expect(res.headers).toBeUndefined();
    expect(res.multiValueHeaders?.['content-type']).toEqual(['application/json']);
  });
});

describe('routing', () => {
  it.each(['/exotel/other', '/', '/exotel/webhook/extra', '/ws/exotel/voice/CA1'])('answers 404 for %s', async (path) => {
    expect((await handleAlbEvent(albEvent({ path, query: { ...CALL, agent: 'a' } }), testDeps())).statusCode).toBe(404);
  });
  it('answers 405 to methods other than GET and POST', async () => {
    expect((await handleAlbEvent(albEvent({ method: 'PUT', query: CALL }), testDeps())).statusCode).toBe(405);
  });
});

describe('bad input: 400 (or 413), never a crash or an admitted call', () => {
  const cases: Array<[string, Parameters<typeof albEvent>[0], number, string]> = [
    ['missing CallSid', { query: { CallFrom: CALL.CallFrom, agent: 'a' } }, 400, 'missing-CallSid'],
    ['a CallSid with CR/LF', { query: { ...CALL, CallSid: 'CA1\r\nSet-Cookie: x=1', agent: 'a' } }, 400, 'control-characters:CallSid'],
    ['a custom field with CR/LF', { query: { ...CALL, agent: 'a', CustomField: 'x\r\nLocation: evil' } }, 400, 'control-characters:CustomField'],
    ['a CallSid with path characters', { query: { ...CALL, CallSid: '../../admin', agent: 'a' } }, 400, 'invalid-CallSid'],
    ['an agent with spaces', { query: { ...CALL, agent: 'a b' } }, 400, 'invalid-agent'],
    ['a non-E.164 caller number', { query: { ...CALL, CallFrom: '+1 (555) 0100', agent: 'a' } }, 400, 'invalid-phone-number:CallFrom'],
    ['letters in the called number', { query: { ...CALL, CallTo: '0804711ABCD', agent: 'a' } }, 400, 'invalid-phone-number:CallTo'],
    ['a too-long number', { query: { ...CALL, CallFrom: '+1234567890123456', agent: 'a' } }, 400, 'invalid-phone-number:CallFrom'],
    ['a number with a leading +0', { query: { ...CALL, CallFrom: '+0123456789', agent: 'a' } }, 400, 'invalid-phone-number:CallFrom'],
    [
      'an oversized body (> 16 kB)',
      { method: 'POST', body: `CallSid=CA1&agent=a&pad=${'x'.repeat(17 * 1024)}`, contentType: 'application/x-www-form-urlencoded' },
      413,
      'body-too-large',
    ],
    ['a wrong content type', { method: 'POST', body: '<xml/>', contentType: 'text/xml' }, 400, 'unsupported-content-type'],
    ['a body without content type', { method: 'POST', body: 'CallSid=CA1' }, 400, 'unsupported-content-type'],
    ['invalid JSON', { method: 'POST', body: '{"CallSid":', contentType: 'application/json' }, 400, 'invalid-json'],
    ['a JSON array', { method: 'POST', body: '[1]', contentType: 'application/json' }, 400, 'json-body-not-an-object'],
    ['a nested JSON field', { method: 'POST', body: '{"CallSid":{"$ne":1}}', contentType: 'application/json' }, 400, 'json-field-not-scalar:CallSid'],
    [
      'a field given twice with different values',
      { method: 'POST', query: { CallSid: 'CA1', agent: 'a' }, body: 'CallSid=CA2', contentType: 'application/x-www-form-urlencoded' },
      400,
      'conflicting-field:CallSid',
    ],
  ];

  it.each(cases)('%s', async (_name, event, status, reason) => {
    const deps = testDeps();
    const res = await handleAlbEvent(albEvent(event), deps);
    expect(res.statusCode).toBe(status);
    expect(json(res.body)).toEqual({ error: 'bad-request', reason });
    expect(deps.metrics.admittedCount).toBe(0);
    expect(deps.metrics.rejectedReasons).toEqual(['bad-request']);
  });

  it('accepts a withheld caller number and counts it against one shared "anonymous" counter', async () => {
    const deps = testDeps({ CALLS_PER_CALLER_PER_MINUTE: '1' });
    const a = await handleAlbEvent(albEvent({ query: { CallSid: 'CA1', CallFrom: '', agent: 'a' } }), deps);
    const b = await handleAlbEvent(albEvent({ query: { CallSid: 'CA2', agent: 'a' } }), deps);
    expect([a.statusCode, b.statusCode]).toEqual([200, 429]);
  });

  it('normalizes national, E.164 and bare-international spellings of one number to one caller counter', async () => {
    const deps = testDeps({ CALLS_PER_CALLER_PER_MINUTE: '2' });
    const spellings = ['09876543210', '+919876543210', '919876543210'];
    const codes = [];
    for (const [i, CallFrom] of spellings.entries()) codes.push((await handleAlbEvent(albEvent({ query: { CallSid: `CA${i}`, CallFrom, agent: 'a' } }), deps)).statusCode);
    expect(codes).toEqual([200, 200, 429]);
  });

  it('survives arbitrary junk in every field (property test)', async () => {
    const fc = await import('fast-check');
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.string({ maxLength: 12 }), fc.string({ maxLength: 40 }), { maxKeys: 6 }), fc.string({ maxLength: 200 }), async (query, body) => {
        const res = await handleAlbEvent(albEvent({ method: 'POST', query, body, contentType: 'application/x-www-form-urlencoded' }), testDeps());
        expect([200, 400, 413]).toContain(res.statusCode);
        if (res.statusCode === 200) expect(String(json(res.body).url)).toMatch(/^wss:\/\/voice\.example\.com\/ws\/exotel\/voice\/[A-Za-z0-9_-]+\?/);
      }),
      { numRuns: 300 },
    );
  });
});

describe('trusted Exotel sources (TRUSTED_CIDRS)', () => {
  const env = { TRUSTED_CIDRS: '182.76.0.0/16, 2405:8a00::/32', CALLS_PER_CALLER_PER_MINUTE: '1', CALLS_PER_AGENT_PER_MINUTE: '3' };
  const fromCaller = (i: number, forwardedFor: string) => albEvent({ query: { CallSid: `CA${i}`, CallFrom: '+919876543210', agent: 'a' }, forwardedFor });

  it.each([
    ['IPv4', '182.76.12.34'],
    ['IPv6', '2405:8a00:1:2::9'],
    ['IPv4-mapped IPv6', '::ffff:182.76.12.34'],
  ])('skip the per-caller limit but not the agent limit (%s)', async (_family, ip) => {
    const deps = testDeps(env);
    const codes = [];
    for (let i = 0; i < 4; i++) codes.push((await handleAlbEvent(fromCaller(i, ip), deps)).statusCode);
    expect(codes).toEqual([200, 200, 200, 429]);
    expect(deps.metrics.rejectedReasons).toEqual(['rate-limit-agent']);
  });

  it('do not cover untrusted sources', async () => {
    const deps = testDeps(env);
    const codes = [];
    for (let i = 0; i < 2; i++) codes.push((await handleAlbEvent(fromCaller(i, '203.0.113.5'), deps)).statusCode);
    expect(codes).toEqual([200, 429]);
  });

  it('cannot be spoofed by a client-supplied X-Forwarded-For (rightmost entry is the one the ALB saw)', async () => {
    const deps = testDeps(env);
    const codes = [];
    for (let i = 0; i < 2; i++) codes.push((await handleAlbEvent(fromCaller(i, '182.76.12.34, 203.0.113.5'), deps)).statusCode);
    expect(codes).toEqual([200, 429]);
  });

  it('are found behind configured forwarding proxies (rightmost untrusted hop)', async () => {
    const deps = testDeps({ ...env, FORWARDING_PROXY_CIDRS: '10.0.0.0/8' });
    const codes = [];
    for (let i = 0; i < 2; i++) codes.push((await handleAlbEvent(fromCaller(i, '1.2.3.4, 182.76.12.34, 10.1.2.3'), deps)).statusCode);
    expect(codes).toEqual([200, 200]);
  });
});

describe('when the rate-limit store is unreachable', () => {
  const failingStore = (): WindowCounterStore & { rollbacks: number } => {
    const memory = new MemoryCounterStore();
    let calls = 0;
    const store = {
      rollbacks: 0,
      // The caller counter works, the next one fails: the caller increment must be undone.
      tryIncrement: (key: string, limit: number, nowMs: number) =>
        ++calls % 2 === 1 ? memory.tryIncrement(key, limit, nowMs) : Promise.reject(new Error('ECONNREFUSED')),
      rollback: (key: string, bucket: number) => {
        store.rollbacks++;
        return memory.rollback(key, bucket);
      },
    };
    return store;
  };

  it('admits in fail-open mode, and logs and counts it', async () => {
    const store = failingStore();
    const deps = testDeps({ RATE_LIMIT_FAIL_MODE: 'open' }, store);
    const res = await handleAlbEvent(albEvent({ query: { ...CALL, agent: 'a' } }), deps);
    expect(res.statusCode).toBe(200);
    expect(deps.metrics.unavailableCount).toBe(1);
    expect(deps.log.lines.some((l) => l.level === 'error' && l.message === 'rate limiter unavailable')).toBe(true);
    expect(store.rollbacks).toBe(1);
  });

  it('refuses with 503 in fail-closed mode, and logs and counts it', async () => {
    const deps = testDeps({ RATE_LIMIT_FAIL_MODE: 'closed' }, failingStore());
    const res = await handleAlbEvent(albEvent({ path: '/exotel/passthru', query: { ...CALL, agent: 'a' } }), deps);
    expect(res.statusCode).toBe(503);
    expect(deps.metrics.unavailableCount).toBe(1);
    expect(deps.metrics.rejectedReasons).toEqual(['limiter-unavailable']);
  });

  it('refuses with 503 and consumes no quota when the signing keys cannot be loaded', async () => {
    const working = testDeps({ CALLS_PER_MINUTE: '1' });
    const broken = { ...working, signingKeys: { getKeys: () => Promise.reject(new Error('secrets manager down')) } };
    const res = await handleAlbEvent(albEvent({ query: { ...CALL, agent: 'a' } }), broken);
    expect(res.statusCode).toBe(503);
    expect(working.metrics.rejectedReasons).toEqual(['signing-unavailable']);
    // Same counters, keys back: the one call per minute is still available.
    expect((await handleAlbEvent(albEvent({ query: { ...CALL, agent: 'a' } }), working)).statusCode).toBe(200);
  });
});
