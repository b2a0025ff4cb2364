import WebSocket from 'ws';
import { startEmulators, type RunningEmulators } from '../../services/emulators/src';
import { FAST, waitFor } from './support';

describe('Deepgram /v1/listen wire details (raw ws client)', () => {
  let emu: RunningEmulators;
  beforeAll(async () => {
    emu = await startEmulators(FAST);
  });
  afterAll(() => emu.close());

  it('accepts the subprotocol pair `token, <key>` and answers 101 with dg-request-id', async () => {
    const ws = new WebSocket(`${emu.url.replace('http', 'ws')}/v1/listen?encoding=linear16&sample_rate=8000`, ['token', 'abc123']);
    const upgraded = new Promise<unknown>((resolve, reject) => {
      ws.once('upgrade', (res) => resolve(res.headers['dg-request-id']));
      ws.once('error', reject);
    });
    const opened = new Promise((resolve) => ws.once('open', resolve));
    const requestId = await upgraded;
    await opened;
    expect(ws.protocol).toBe('token');
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    const messages: string[] = [];
    ws.on('message', (data) => messages.push(String(data)));
    ws.send(JSON.stringify({ type: 'Finalize' }));
    await waitFor(() => messages.length === 1, 5000, 'finalize reply');
    expect(JSON.parse(messages[0] ?? '{}')).toMatchObject({ type: 'Results', from_finalize: true, metadata: { request_id: requestId } });
    ws.close();
  });

  it('refuses a missing key and an over-limit upgrade with plain HTTP status, dg-error header and Deepgram JSON', async () => {
    const refusal = (headers: Record<string, string>): Promise<{ status: number | undefined; dgError: unknown; body: string }> =>
      new Promise((resolve, reject) => {
        const ws = new WebSocket(`${emu.url.replace('http', 'ws')}/v1/listen`, { headers });
        ws.once('unexpected-response', (_req, res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode, dgError: res.headers['dg-error'], body }));
        });
        ws.once('open', () => reject(new Error('should not open')));
        ws.on('error', () => undefined);
      });
    const noKey = await refusal({});
    expect(noKey.status).toBe(401);
    expect(JSON.parse(noKey.body)).toMatchObject({ err_code: 'INVALID_AUTH' });

    emu.config.deepgramStt.limit = 0;
    try {
      const full = await refusal({ Authorization: 'Token abc' });
      expect(full.status).toBe(429);
      expect(full.dgError).toEqual(expect.any(String));
      expect(JSON.parse(full.body)).toMatchObject({ err_code: 'TOO_MANY_REQUESTS' });
    } finally {
      emu.config.deepgramStt.limit = 20;
    }
  });
});
