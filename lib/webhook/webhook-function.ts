import { RemovalPolicy } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { RateLimitsConfig } from '../config/environment-config';
import { acknowledgeLambdaBasicExecution, nodeLambdaDefaults } from '../shared/node-lambda-defaults';

export const WEBHOOK_ENTRY = 'services/webhook/src/handler.ts';

export interface WebhookFunctionProps {
  readonly environmentName: string;
  readonly rateLimits: RateLimitsConfig;
  readonly rateLimitTable: dynamodb.ITableV2;
  readonly streamSigningSecret: secretsmanager.ISecret;
  /** `wss://host` (or `ws://host` in an HTTP-only dev setup) the signed stream URLs start with. */
  readonly streamBaseUrl: string;
  readonly logRetention: logs.RetentionDays;
  /** Handler source, relative to the repo root or absolute. */
  readonly entry?: string;
}

/** Exotel webhook admission: DynamoDB rate-limit counters, then a signed stream URL. */
export class WebhookFunction extends Construct {
  readonly function: nodejs.NodejsFunction;

  constructor(scope: Construct, id: string, props: WebhookFunctionProps) {
    super(scope, id);
    const defaults = nodeLambdaDefaults(props.entry ?? WEBHOOK_ENTRY);
    const { rateLimits } = props;
    this.function = new nodejs.NodejsFunction(this, 'Function', {
      ...defaults,
      description: 'Exotel webhook admission (rate limits, signed stream URLs)',
      logGroup: new logs.LogGroup(this, 'Logs', {
        retention: props.logRetention,
        removalPolicy: RemovalPolicy.DESTROY,
      }),
      tracing: lambda.Tracing.DISABLED,
      environment: {
        ...defaults.environment,
        ENVIRONMENT: props.environmentName,
        RATE_LIMIT_TABLE: props.rateLimitTable.tableName,
        CALLS_PER_MINUTE: String(rateLimits.callsPerMinute),
        CALLS_PER_AGENT_PER_MINUTE: String(rateLimits.callsPerAgentPerMinute),
        CALLS_PER_CALLER_PER_MINUTE: String(rateLimits.callsPerCallerPerMinute),
        TRUSTED_CIDRS: rateLimits.trustedCidrs.join(','),
        RATE_LIMIT_FAIL_MODE: rateLimits.failMode,
        STREAM_SIGNING_SECRET_ARN: props.streamSigningSecret.secretArn,
        STREAM_BASE_URL: props.streamBaseUrl,
      },
    });
    props.rateLimitTable.grantReadWriteData(this.function);
    props.streamSigningSecret.grantRead(this.function);
    acknowledgeLambdaBasicExecution(this.function);
  }
}
