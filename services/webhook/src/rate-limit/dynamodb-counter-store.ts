import {
  GetItemCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import type { IncrementResult, WindowCounterStore } from './counter-store';
import {
  bucketIndexAt,
  bucketIrrelevantAfterMs,
  DEFAULT_WINDOW,
  oldestCountedBucket,
  validateWindow,
  type SlidingWindowShape,
} from './sliding-window';

/**
 * Table: partition key `pk` (S), TTL attribute `expiresAt` (N, epoch seconds). One item per
 * counter key; each bucket is a number attribute `b<bucket index>`.
 *
 * One increment is ONE conditional UpdateItem: `ADD b<current> 1` under the condition
 * "current bucket < limit - (sum of the K previous buckets)" AND "each previous bucket still
 * holds the value we based that sum on". DynamoDB cannot add attributes inside a condition, so
 * the previous buckets' values ride along as equality checks: they are closed (only rollbacks
 * change them), so the snapshot is almost always right, and when it is not the write fails and
 * we re-read. No read-then-write window: the write itself carries every fact it depends on.
 */
export interface DynamoCounterStoreOptions {
  client: Pick<DynamoDBClient, 'send'>;
  tableName: string;
  shape?: SlidingWindowShape;
  /** Conditional-write attempts before giving up (then the limiter treats the store as unavailable). */
  maxAttempts?: number;
  /** Counter keys whose last-seen buckets are cached in this process. */
  maxCachedKeys?: number;
}

type Buckets = Map<number, number>;

const BUCKET_ATTR = /^b(-?\d+)$/;

function bucketsFromItem(item: Record<string, AttributeValue> | undefined): Buckets {
  const buckets: Buckets = new Map();
  if (!item) return buckets;
  for (const [name, value] of Object.entries(item)) {
    const match = BUCKET_ATTR.exec(name);
    if (match?.[1] !== undefined && value.N !== undefined) buckets.set(Number(match[1]), Number(value.N));
  }
  return buckets;
}

function isConditionFailure(err: unknown): boolean {
  return err instanceof Error && err.name === 'ConditionalCheckFailedException';
}

export class DynamoCounterStore implements WindowCounterStore {
  private readonly shape: SlidingWindowShape;
  private readonly maxAttempts: number;
  private readonly maxCachedKeys: number;
  /** Last bucket values seen per key; a guess for the next write's condition, verified by it. */
  private readonly lastSeen = new Map<string, Buckets>();

  constructor(private readonly opts: DynamoCounterStoreOptions) {
    this.shape = validateWindow(opts.shape ?? DEFAULT_WINDOW);
    this.maxAttempts = opts.maxAttempts ?? 6;
    this.maxCachedKeys = opts.maxCachedKeys ?? 10_000;
  }

  async tryIncrement(counterKey: string, limit: number, nowMs: number): Promise<IncrementResult> {
    const current = bucketIndexAt(nowMs, this.shape);
    const oldest = oldestCountedBucket(current, this.shape);
    let snapshot = this.lastSeen.get(counterKey) ?? new Map<number, number>();
    let fresh = false;

    for (let attempt = 0; attempt < this.maxAttempts; attempt++) {
      let previousSum = 0;
      for (let b = oldest; b < current; b++) previousSum += snapshot.get(b) ?? 0;
      const allowed = limit - previousSum;
      const currentCount = snapshot.get(current) ?? 0;
      if (allowed <= 0 || currentCount >= allowed) {
        if (fresh) return { counted: false, windowCount: previousSum + currentCount };
        snapshot = await this.read(counterKey);
        fresh = true;
        continue;
      }
      try {
        snapshot = await this.conditionalIncrement(counterKey, current, oldest, allowed, snapshot);
        this.remember(counterKey, snapshot);
        return { counted: true, bucket: current };
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
        snapshot = await this.read(counterKey);
        fresh = true;
      }
    }
    throw new Error(`rate-limit counter ${counterKey}: no decision after ${this.maxAttempts} attempts`);
  }

  async rollback(counterKey: string, bucket: number): Promise<void> {
    try {
      await this.opts.client.send(
        new UpdateItemCommand({
          TableName: this.opts.tableName,
          Key: { pk: { S: counterKey } },
          UpdateExpression: 'ADD #b :minusOne',
          // Never below zero, never re-create an item the TTL already removed.
          ConditionExpression: '#b > :zero',
          ExpressionAttributeNames: { '#b': `b${bucket}` },
          ExpressionAttributeValues: { ':minusOne': { N: '-1' }, ':zero': { N: '0' } },
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
    this.lastSeen.delete(counterKey);
  }

  private async conditionalIncrement(
    counterKey: string,
    current: number,
    oldest: number,
    allowed: number,
    snapshot: Buckets,
  ): Promise<Buckets> {
    const names: Record<string, string> = { '#cur': `b${current}`, '#exp': 'expiresAt' };
    const values: Record<string, AttributeValue> = {
      ':one': { N: '1' },
      ':allowed': { N: String(allowed) },
      ':exp': { N: String(Math.ceil(bucketIrrelevantAfterMs(current, this.shape) / 1000)) },
    };
    const conditions = ['(attribute_not_exists(#cur) OR #cur < :allowed)'];
    for (let b = oldest, i = 0; b < current; b++, i++) {
      names[`#p${i}`] = `b${b}`;
      const seen = snapshot.get(b) ?? 0;
      if (seen === 0) {
        values[':zero'] = { N: '0' };
        conditions.push(`(attribute_not_exists(#p${i}) OR #p${i} = :zero)`);
      } else {
        values[`:p${i}`] = { N: String(seen) };
        conditions.push(`#p${i} = :p${i}`);
      }
    }
    // Buckets no window needs any more (one spare kept for late rollbacks) are dropped in passing.
    const stale = [...snapshot.keys()].filter((b) => b < oldest - 1);
    stale.forEach((b, i) => {
      names[`#s${i}`] = `b${b}`;
    });
    const remove = stale.length > 0 ? ` REMOVE ${stale.map((_, i) => `#s${i}`).join(', ')}` : '';

    const out = await this.opts.client.send(
      new UpdateItemCommand({
        TableName: this.opts.tableName,
        Key: { pk: { S: counterKey } },
        UpdateExpression: `ADD #cur :one SET #exp = :exp${remove}`,
        ConditionExpression: conditions.join(' AND '),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
      }),
    );
    return bucketsFromItem(out.Attributes);
  }

  private async read(counterKey: string): Promise<Buckets> {
    const out = await this.opts.client.send(
      new GetItemCommand({ TableName: this.opts.tableName, Key: { pk: { S: counterKey } }, ConsistentRead: true }),
    );
    const buckets = bucketsFromItem(out.Item);
    this.remember(counterKey, buckets);
    return buckets;
  }

  private remember(counterKey: string, buckets: Buckets): void {
    if (this.lastSeen.size >= this.maxCachedKeys && !this.lastSeen.has(counterKey)) this.lastSeen.clear();
    this.lastSeen.set(counterKey, buckets);
  }
}
