/**
 * Webhook admission decision latency (p50/p99) against dynalite on a free port:
 * ALB event -> validation -> caller/agent/global counters (conditional UpdateItem) -> signed URL.
 * Run: npx tsx bench/webhook-decision.ts   (prints JSON)
 *
 * dynalite is a single-process JavaScript emulator, so absolute figures say more about it than
 * about DynamoDB (single-digit ms per request in-region); compare the phases with each other.
 */
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { ALBEvent } from 'aws-lambda';
import type { Server } from 'node:http';
import { createServer } from 'node:net';
import { performance } from 'node:perf_hooks';
import { staticSigningKeys } from '../services/shared/src/stream-auth/signing-keys';
import { handleAlbEvent, type WebhookDeps } from '../services/webhook/src/admission';
import { silentLog } from '../services/webhook/src/admission-log';
import { loadWebhookConfig } from '../services/webhook/src/config';
import { createAdmissionLimiter } from '../services/webhook/src/rate-limit/admission-limiter';
import type { WindowCounterStore } from '../services/webhook/src/rate-limit/counter-store';
import { DynamoCounterStore } from '../services/webhook/src/rate-limit/dynamodb-counter-store';
import { MemoryCounterStore } from '../services/webhook/src/rate-limit/memory-counter-store';

const SEQUENTIAL_CALLS = Number(process.env.BENCH_CALLS ?? 500);
const CONCURRENT_CALLS = Number(process.env.BENCH_CONCURRENT ?? 200);
const SECRET = 'bench-signing-secret-0123456789abcdef';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = addr && typeof addr === 'object' ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function percentile(sortedMs: readonly number[], p: number): number {
  const i = Math.min(sortedMs.length - 1, Math.ceil((p / 100) * sortedMs.length) - 1);
  return Math.round((sortedMs[Math.max(0, i)] ?? NaN) * 100) / 100;
}

function summary(samplesMs: number[], statuses: number[]): Record<string, number> {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const count = (s: number): number => statuses.filter((x) => x === s).length;
  return {
    calls: samplesMs.length,
    p50Ms: percentile(sorted, 50),
    p90Ms: percentile(sorted, 90),
    p99Ms: percentile(sorted, 99),
    maxMs: percentile(sorted, 100),
    admitted: count(200),
    refused: count(429),
    other: statuses.length - count(200) - count(429),
  };
}

function event(i: number, caller: string): ALBEvent {
  return {
    requestContext: { elb: { targetGroupArn: 'arn:bench' } },
    httpMethod: 'GET',
    path: '/exotel/webhook',
    queryStringParameters: { CallSid: `CA${i}`, CallFrom: encodeURIComponent(caller), CallTo: '08047112233', agent: `agent-${i % 10}` },
    headers: { 'x-forwarded-for': '198.51.100.10' },
    body: '',
    isBase64Encoded: false,
  };
}

async function run(label: string, store: WindowCounterStore, env: NodeJS.ProcessEnv): Promise<Record<string, unknown>> {
  const deps: WebhookDeps = {
    config: loadWebhookConfig({ STREAM_SIGNING_KEY: SECRET, STREAM_BASE_URL: 'wss://voice.example.com', ...env }),
    limiter: createAdmissionLimiter(store),
    signingKeys: staticSigningKeys(SECRET),
    metrics: { admitted: () => undefined, rejected: () => undefined, limiterUnavailable: () => undefined },
    log: silentLog,
  };
  const timed = async (i: number, caller: string): Promise<{ ms: number; status: number }> => {
    const t = performance.now();
    const res = await handleAlbEvent(event(i, caller), deps);
    return { ms: performance.now() - t, status: res.statusCode };
  };

  // Sequential: one decision at a time, distinct callers (3 counters each, mostly admitted).
  for (let i = 0; i < 20; i++) await timed(-1 - i, `+9190000${String(i).padStart(5, '0')}`); // warm-up
  const seq: Array<{ ms: number; status: number }> = [];
  for (let i = 0; i < SEQUENTIAL_CALLS; i++) seq.push(await timed(i, `+9191${String(i).padStart(8, '0')}`));

  // Burst: all at once from one caller: mostly refusals (with rollbacks) racing on hot items.
  const burst = await Promise.all(Array.from({ length: CONCURRENT_CALLS }, (_, i) => timed(100_000 + i, '+919999999999')));

  return {
    store: label,
    sequential: summary(seq.map((s) => s.ms), seq.map((s) => s.status)),
    concurrentBurst: summary(burst.map((s) => s.ms), burst.map((s) => s.status)),
  };
}

async function main(): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const dynalite = require('dynalite') as (opts: { createTableMs: number }) => Server;
  const server = dynalite({ createTableMs: 0 });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const client = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    requestHandler: { httpAgent: { maxSockets: 512 } },
  });
  const TableName = 'bench-rate-limits';
  await client.send(
    new CreateTableCommand({
      TableName,
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  while ((await client.send(new DescribeTableCommand({ TableName }))).Table?.TableStatus !== 'ACTIVE') {
    await new Promise((r) => setTimeout(r, 10));
  }
  // Limits high enough that the sequential phase measures admissions, not refusals.
  const env = { CALLS_PER_MINUTE: '100000', CALLS_PER_AGENT_PER_MINUTE: '100000', CALLS_PER_CALLER_PER_MINUTE: '3' };
  const results = [
    await run('dynalite', new DynamoCounterStore({ client, tableName: TableName }), env),
    await run('memory', new MemoryCounterStore(), env),
  ];
  client.destroy();
  server.close();
  console.log(JSON.stringify({ benchmark: 'webhook-decision', node: process.version, results }, null, 2));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
