import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Server } from 'node:http';
import { freePort } from '../../support/free-port';

/** dynalite ships no types; this is the part of its API the tests use. */
type DynaliteFactory = (opts: { createTableMs?: number; deleteTableMs?: number; updateTableMs?: number }) => Server;

export interface TestDynamo {
  endpoint: string;
  client: DynamoDBClient;
  /** Creates a rate-limit table with the production schema: pk (S), TTL attribute expiresAt. */
  createRateLimitTable(name: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startDynalite(): Promise<TestDynamo> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const dynalite = require('dynalite') as DynaliteFactory;
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const port = await freePort();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    // The tests fire hundreds of concurrent requests: no queueing behind the default 50 sockets.
    requestHandler: { httpAgent: { maxSockets: 512 } },
  });
  return {
    endpoint,
    client,
    async createRateLimitTable(name) {
      await client.send(
        new CreateTableCommand({
          TableName: name,
          AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );
      // dynalite flips the table to ACTIVE asynchronously; on a loaded machine a request can
      // arrive before that and fail with ResourceNotFound.
      for (let i = 0; i < 200; i++) {
        const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
        if (Table?.TableStatus === 'ACTIVE') return;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      throw new Error(`table ${name} did not become ACTIVE`);
    },
    async stop() {
      client.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
