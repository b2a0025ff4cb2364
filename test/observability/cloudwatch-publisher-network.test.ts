import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { MetricsPublisher } from '../../services/voice/src/observability/cloudwatch-publisher';
import { freePort } from '../support/free-port';

/**
 * The real SDK against a local endpoint that misbehaves: the publisher must turn a hung or failing
 * CloudWatch into a counted failure, never an exception or a publish that blocks the next one.
 */
describe('MetricsPublisher with the real SDK against a broken endpoint', () => {
  let server: Server;
  let endpoint: string;
  let mode: 'hang' | 'error' | 'accept' = 'hang';
  const seen: IncomingMessage[] = [];
  const accepted: Array<{ target: string | undefined; body: string }> = [];

  beforeAll(async () => {
    const port = await freePort();
    server = createServer((req, res) => {
      seen.push(req);
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        if (mode === 'error') res.writeHead(500, { 'content-type': 'text/plain' }).end('internal error');
        if (mode === 'accept') {
          const target = req.headers['x-amz-target'];
          accepted.push({ target: Array.isArray(target) ? target[0] : target, body });
          res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end('{}');
        }
        // 'hang': never answer
      });
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const publisher = (snapshot: ConstructorParameters<typeof MetricsPublisher>[0]['snapshot'] = () => ({ activeCalls: 0, limits: [], turnLatenciesMs: [] })) =>
    new MetricsPublisher({
      client: new CloudWatchClient({
        region: 'ap-south-1',
        endpoint,
        maxAttempts: 1,
        credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'not-a-secret' },
      }),
      snapshot,
      environment: 'test',
      requestTimeoutMs: 300,
    });

  it('aborts a publish that hangs, counts it, and publishes again afterwards', async () => {
    mode = 'hang';
    const p = publisher();
    await expect(p.publishNow()).resolves.toBe(false);
    expect(seen.length).toBeGreaterThanOrEqual(1);
    await expect(p.publishNow()).resolves.toBe(false); // not skipped: the hung one was aborted
    expect(p.stats()).toMatchObject({ publishFailures: 2, skippedTicks: 0 });
  });

  it('an HTTP 500 from CloudWatch is a counted failure', async () => {
    mode = 'error';
    const p = publisher();
    await expect(p.publishNow()).resolves.toBe(false);
    expect(p.stats().publishFailures).toBe(1);
  });

  it('the real SDK serialises the request CloudWatch expects (signed, Values/Counts intact)', async () => {
    mode = 'accept';
    const p = publisher(() => ({
      activeCalls: 2,
      limits: [{ name: 'openai-llm', inUse: 1, queued: 0, limit: 500, waitP95Ms: 3 }],
      turnLatenciesMs: [640, 655, 1210],
    }));
    await expect(p.publishNow()).resolves.toBe(true);
    const last = accepted.at(-1);
    expect(last?.target).toMatch(/PutMetricData$/);
    const body = JSON.parse(last?.body ?? '{}') as { Namespace?: string; MetricData?: Array<Record<string, unknown>> };
    expect(body.Namespace).toBe('CallingAgent');
    expect(body.MetricData?.find((d) => d.MetricName === 'ActiveCalls')).toMatchObject({ Value: 2, StorageResolution: 60 });
    expect(body.MetricData?.find((d) => d.MetricName === 'TurnLatencyMs')).toMatchObject({ Values: [640, 660, 1200], Counts: [1, 1, 1] });
    expect(seen.at(-1)?.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 /);
  });
});
