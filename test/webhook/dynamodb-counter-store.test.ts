import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoCounterStore } from '../../services/webhook/src/rate-limit/dynamodb-counter-store';
import { createAdmissionLimiter, type LimitCheck } from '../../services/webhook/src/rate-limit/admission-limiter';
import { startDynalite, type TestDynamo } from './support/dynalite';

const T0 = Date.UTC(2025, 0, 1, 12, 0, 0); // on a bucket boundary

describe('DynamoDB sliding-window counters (against dynalite)', () => {
  let dynamo: TestDynamo;
  let table = 0;
  const freshStore = async (): Promise<{ store: DynamoCounterStore; tableName: string }> => {
    const tableName = `rate-limits-${++table}`;
    await dynamo.createRateLimitTable(tableName);
    return { store: new DynamoCounterStore({ client: dynamo.client, tableName }), tableName };
  };

  beforeAll(async () => {
    dynamo = await startDynalite();
  });
  afterAll(async () => {
    await dynamo.stop();
  });

  it('admits exactly 50 of 200 concurrent calls within one window (limit 50)', async () => {
    const { store } = await freshStore();
    const limiter = createAdmissionLimiter(store);
    const checks: LimitCheck[] = [{ scope: 'global', id: '', limitPerMinute: 50 }];
    const outcomes = await Promise.all(Array.from({ length: 200 }, () => limiter.admit(checks, T0 + 5_000)));
    expect(outcomes.filter((o) => o.kind === 'admitted')).toHaveLength(50);
    expect(outcomes.filter((o) => o.kind === 'refused')).toHaveLength(150);
  });
});
