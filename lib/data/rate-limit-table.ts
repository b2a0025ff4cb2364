import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';

export interface RateLimitTableProps {
  /** Point-in-time recovery; counters are short-lived, so only worth it where data is kept. */
  readonly pointInTimeRecovery: boolean;
  readonly removalPolicy: RemovalPolicy;
}

/** Webhook admission counters: key `pk` (S), items expire through the `expiresAt` TTL. */
export class RateLimitTable extends Construct {
  readonly table: dynamodb.TableV2;
  static readonly PARTITION_KEY = 'pk';
  static readonly TTL_ATTRIBUTE = 'expiresAt';

  constructor(scope: Construct, id: string, props: RateLimitTableProps) {
    super(scope, id);
    this.table = new dynamodb.TableV2(this, 'Table', {
      partitionKey: { name: RateLimitTable.PARTITION_KEY, type: dynamodb.AttributeType.STRING },
      billing: dynamodb.Billing.onDemand(),
      timeToLiveAttribute: RateLimitTable.TTL_ATTRIBUTE,
      encryption: dynamodb.TableEncryptionV2.awsManagedKey(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: props.pointInTimeRecovery },
      removalPolicy: props.removalPolicy,
    });
  }
}
