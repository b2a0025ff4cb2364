import { createServer, request, type Server } from 'node:http';
import { createLocalWebhook } from '../../services/webhook/src/local-server';
import { silentLog } from '../../services/webhook/src/admission-log';
import { freePort } from '../support/free-port';
import { startDynalite, type TestDynamo } from './support/dynalite';
import { BASE_ENV, CALL } from './support/webhook-fixtures';

interface Reply {
  status: number;
  body: Record<string, unknown>;
}

function send(port: number, method: string, path: string, body?: string, contentType?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = {};
    if (body !== undefined) headers['content-length'] = Buffer.byteLength(body);
    if (contentType) headers['content-type'] = contentType;
    const req = request({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString() || '{}') as Record<string, unknown> }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function serve(env: NodeJS.ProcessEnv): Promise<{ port: number; server: Server }> {
  const server = createServer(createLocalWebhook({ env: { ...BASE_ENV, ...env }, log: silentLog }));
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { port, server };
}

const close = (server: Server): Promise<void> => new Promise((resolve) => server.close(() => resolve()));
const query = (fields: Record<string, string>): string => new URLSearchParams(fields).toString();

describe('createLocalWebhook (node request listener for npm start)', () => {
  describe('with in-memory counters (embedded default)', () => {
    let port: number;
    let server: Server;
    beforeAll(async () => {
      ({ port, server } = await serve({ CALLS_PER_CALLER_PER_MINUTE: '2', STREAM_BASE_URL: 'ws://127.0.0.1:8080' }));
    });
    afterAll(() => close(server));

    it('answers a GET dynamic-URL request with a signed ws URL', async () => {
      const res = await send(port, 'GET', `/exotel/webhook?${query({ ...CALL, agent: 'sales' })}`);
      expect(res.status).toBe(200);
      expect(String(res.body.url)).toMatch(/^ws:\/\/127\.0\.0\.1:8080\/ws\/exotel\/voice\/[0-9a-f]+\?agent=sales&exp=\d+&kid=env&sig=[0-9a-f]{64}$/);
    });

    it('answers a POST form Passthru request, and refuses over the caller limit', async () => {
      const body = query({ ...CALL, CallFrom: '+14155550100', agent: 'sales' });
      const codes = [];
      for (let i = 0; i < 3; i++) codes.push((await send(port, 'POST', '/exotel/passthru', body, 'application/x-www-form-urlencoded')).status);
      expect(codes).toEqual([200, 200, 429]);
    });

    it('answers 413 to an oversized body and 404 off the routes', async () => {
      expect((await send(port, 'POST', '/exotel/webhook', `CallSid=CA1&x=${'y'.repeat(40_000)}`, 'application/x-www-form-urlencoded')).status).toBe(413);
      expect((await send(port, 'GET', '/exotel/nope')).status).toBe(404);
    });
  });

  describe('with DynamoDB counters (RATE_LIMIT_TABLE + DYNAMODB_ENDPOINT)', () => {
    let dynamo: TestDynamo;
    let port: number;
    let server: Server;
    beforeAll(async () => {
      dynamo = await startDynalite();
      await dynamo.createRateLimitTable('local-limits');
      ({ port, server } = await serve({ RATE_LIMIT_TABLE: 'local-limits', DYNAMODB_ENDPOINT: dynamo.endpoint, CALLS_PER_AGENT_PER_MINUTE: '5' }));
    });
    afterAll(async () => {
      await close(server);
      await dynamo.stop();
    });

    it('admits exactly the agent limit of concurrent requests', async () => {
      const replies = await Promise.all(
        Array.from({ length: 20 }, (_, i) => send(port, 'GET', `/exotel/webhook?${query({ CallSid: `CA${i}`, CallFrom: `+9198765432${String(i).padStart(2, '0')}`, agent: 'sales' })}`)),
      );
      expect(replies.filter((r) => r.status === 200)).toHaveLength(5);
      expect(replies.filter((r) => r.status === 429)).toHaveLength(15);
    });
  });
});
