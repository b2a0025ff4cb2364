import { RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../config/environment-config';
import { AppSecrets } from './app-secrets';
import { RateLimitTable } from './rate-limit-table';
import { RedisCluster } from './redis-cluster';

export interface DataStackProps extends StackProps {
  readonly config: EnvironmentConfig;
  readonly vpc: ec2.IVpc;
}

/** State the service needs and that outlives deploys: Redis, the rate-limit table, secrets. */
export class DataStack extends Stack {
  readonly redis: RedisCluster;
  readonly rateLimits: RateLimitTable;
  readonly secrets: AppSecrets;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    const { config } = props;
    const removalPolicy = config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    this.redis = new RedisCluster(this, 'Redis', {
      vpc: props.vpc,
      settings: config.redis,
      replicationGroupId: `calling-agent-${config.name}`,
      removalPolicy,
    });
    this.rateLimits = new RateLimitTable(this, 'RateLimits', {
      pointInTimeRecovery: config.name !== 'dev',
      removalPolicy,
    });
    this.secrets = new AppSecrets(this, 'Secrets', { environmentName: config.name, removalPolicy });
  }
}
