import { signStreamUrl, type SigningKey } from '../../services/shared/src/stream-signature';
import {
  authenticateStreamRequest,
  MemoryReplayGuard,
  staticSigningKeys,
  type StreamAuthDeps,
  type StreamAuthRequest,
} from '../../services/shared/src/stream-auth';

const NOW_MS = Date.UTC(2025, 0, 1, 12, 0, 0);
const NOW_SEC = NOW_MS / 1000;
const keyA: SigningKey = { id: 'k-2025-01', secret: 'a'.repeat(40) };
const keyB: SigningKey = { id: 'k-2025-02', secret: 'b'.repeat(40) };
const keyRetired: SigningKey = { id: 'k-2024-12', secret: 'c'.repeat(40) };

/** The request the voice service sees for a URL the webhook handed out. */
function requestFor(signedUrl: string, headers: StreamAuthRequest['headers'] = {}): StreamAuthRequest {
  const u = new URL(signedUrl);
  return { url: `${u.pathname}${u.search}`, headers, remoteAddress: '203.0.113.9' };
}

function sign(key: SigningKey, overrides: Partial<{ callSid: string; agentId: string; expiresAt: number }> = {}): string {
  return signStreamUrl('wss://voice.example.com', { callSid: 'CA123', agentId: 'sales', expiresAt: NOW_SEC + 60, ...overrides }, key);
}

function deps(overrides: Partial<StreamAuthDeps> = {}): StreamAuthDeps {
  return { mode: 'required', keys: [keyA], replayGuard: new MemoryReplayGuard({ nowMs: () => NOW_MS }), nowMs: () => NOW_MS, ...overrides };
}

describe('authenticateStreamRequest: signed URLs (mode required)', () => {
  it('accepts a fresh URL signed with the current key and reports call and agent', async () => {
    await expect(authenticateStreamRequest(requestFor(sign(keyA)), deps())).resolves.toEqual({
      ok: true,
      callSid: 'CA123',
      agentId: 'sales',
      method: 'signature',
    });
  });

  it('rejects a URL without a signature', async () => {
    const res = await authenticateStreamRequest({ url: '/ws/exotel/voice/CA123?agent=sales', headers: {} }, deps());
    expect(res).toEqual({ ok: false, status: 401, reason: 'missing' });
  });

  it.each([
    ['the call SID', (u: URL) => (u.pathname = '/ws/exotel/voice/CA999')],
    ['the agent', (u: URL) => u.searchParams.set('agent', 'support')],
    ['the expiry', (u: URL) => u.searchParams.set('exp', String(NOW_SEC + 3600))],
    ['the signature', (u: URL) => u.searchParams.set('sig', 'f'.repeat(64))],
  ])('rejects a URL whose %s was tampered with', async (_what, tamper) => {
    const u = new URL(sign(keyA));
    tamper(u);
    const res = await authenticateStreamRequest(requestFor(u.toString()), deps());
    expect(res).toEqual({ ok: false, status: 401, reason: 'bad-signature' });
  });

  it('rejects an expired URL', async () => {
    const res = await authenticateStreamRequest(requestFor(sign(keyA, { expiresAt: NOW_SEC - 1 })), deps());
    expect(res).toEqual({ ok: false, status: 401, reason: 'expired' });
  });

  it('rejects a second use of the same URL (replay), even after the first succeeded', async () => {
    const d = deps();
    const url = sign(keyA);
    await expect(authenticateStreamRequest(requestFor(url), d)).resolves.toMatchObject({ ok: true });
    await expect(authenticateStreamRequest(requestFor(url), d)).resolves.toEqual({ ok: false, status: 401, reason: 'replayed' });
  });

  it('does not let invalid signatures consume replay-guard entries', async () => {
    const guard = new MemoryReplayGuard({ nowMs: () => NOW_MS });
    const u = new URL(sign(keyA));
    u.searchParams.set('sig', '0'.repeat(64));
    await authenticateStreamRequest(requestFor(u.toString()), deps({ replayGuard: guard }));
    expect(guard.size).toBe(0);
  });

  it('rejects a URL signed with a key it does not know (wrong key, same id)', async () => {
    const forged = sign({ id: keyA.id, secret: 'z'.repeat(40) });
    await expect(authenticateStreamRequest(requestFor(forged), deps())).resolves.toEqual({ ok: false, status: 401, reason: 'bad-signature' });
  });

  it('rejects a URL whose key id is unknown', async () => {
    await expect(authenticateStreamRequest(requestFor(sign(keyB)), deps())).resolves.toEqual({ ok: false, status: 401, reason: 'unknown-key' });
  });

  describe('key rotation ({"current","previous"} secret)', () => {
    const rotated = staticSigningKeys(JSON.stringify({ current: keyB, previous: keyA }));

    it('accepts URLs signed with the new current key', async () => {
      await expect(authenticateStreamRequest(requestFor(sign(keyB)), deps({ keys: rotated }))).resolves.toMatchObject({ ok: true });
    });
    it('still accepts URLs signed with the previous key during the rotation', async () => {
      await expect(authenticateStreamRequest(requestFor(sign(keyA)), deps({ keys: rotated }))).resolves.toMatchObject({ ok: true });
    });
    it('rejects URLs signed with a retired key (no longer current or previous)', async () => {
      await expect(authenticateStreamRequest(requestFor(sign(keyRetired)), deps({ keys: rotated }))).resolves.toEqual({
        ok: false,
        status: 401,
        reason: 'unknown-key',
      });
    });
  });

  it('rejects paths other than /ws/exotel/voice/:callSid', async () => {
    const u = new URL(sign(keyA));
    for (const path of ['/ws/exotel/other/CA123', '/ws/exotel/voice/', '/ws/exotel/voice/CA%0d%0aX', '/ws/exotel/voice/a/b']) {
      const res = await authenticateStreamRequest({ url: `${path}${u.search}`, headers: {} }, deps());
      expect(res).toEqual({ ok: false, status: 401, reason: 'bad-path' });
    }
  });

  it('fails closed when the replay guard cannot answer', async () => {
    const broken = { claimOnce: () => Promise.reject(new Error('redis down')) };
    await expect(authenticateStreamRequest(requestFor(sign(keyA)), deps({ replayGuard: broken }))).resolves.toEqual({
      ok: false,
      status: 401,
      reason: 'replay-check-unavailable',
    });
  });

  it('fails closed when the keys cannot be loaded', async () => {
    const broken = { getKeys: () => Promise.reject(new Error('secrets manager down')) };
    await expect(authenticateStreamRequest(requestFor(sign(keyA)), deps({ keys: broken }))).resolves.toEqual({
      ok: false,
      status: 401,
      reason: 'keys-unavailable',
    });
  });
});

describe('authenticateStreamRequest: HTTP Basic (static-URL setups)', () => {
  const basic = { username: 'exotel', password: 'correct horse battery staple' };
  const header = (user: string, pass: string): string => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

  it('accepts the configured credentials in basic mode', async () => {
    const res = await authenticateStreamRequest(
      { url: '/ws/exotel/voice/CA77?agent=sales', headers: { authorization: header('exotel', basic.password) } },
      { mode: 'basic', basic },
    );
    expect(res).toEqual({ ok: true, callSid: 'CA77', agentId: 'sales', method: 'basic' });
  });

  it.each([
    ['a wrong password', header('exotel', 'nope')],
    ['a wrong user', header('other', basic.password)],
    ['a password with a matching prefix', header('exotel', `${basic.password}x`)],
  ])('rejects %s', async (_what, authorization) => {
    const res = await authenticateStreamRequest({ url: '/ws/exotel/voice/CA77', headers: { authorization } }, { mode: 'basic', basic });
    expect(res).toEqual({ ok: false, status: 401, reason: 'bad-credentials' });
  });

  it('rejects a request without credentials, and a signed URL, in basic mode', async () => {
    await expect(authenticateStreamRequest(requestFor(sign(keyA)), { mode: 'basic', basic, keys: [keyA] })).resolves.toEqual({
      ok: false,
      status: 401,
      reason: 'missing-credentials',
    });
  });

  it('accepts Basic instead of a signature in required mode when credentials are configured', async () => {
    const res = await authenticateStreamRequest(
      { url: '/ws/exotel/voice/CA77', headers: { authorization: header('exotel', basic.password) } },
      deps({ basic }),
    );
    expect(res).toEqual({ ok: true, callSid: 'CA77', method: 'basic' });
  });

  it('does not accept Basic in required mode when no credentials are configured', async () => {
    const res = await authenticateStreamRequest(
      { url: '/ws/exotel/voice/CA77', headers: { authorization: header('exotel', basic.password) } },
      deps(),
    );
    expect(res).toEqual({ ok: false, status: 401, reason: 'missing' });
  });
});

describe('authenticateStreamRequest: disabled (local mode)', () => {
  it('accepts any well-formed stream path without credentials', async () => {
    await expect(authenticateStreamRequest({ url: '/ws/exotel/voice/CA1', headers: {} }, { mode: 'disabled' })).resolves.toEqual({
      ok: true,
      callSid: 'CA1',
      method: 'none',
    });
  });
});
