import { ArnFormat, Duration, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { METRIC_NAMESPACE } from '../../services/shared/src/metrics-contract';
import { acknowledgeNagFinding } from '../compliance';
import { acknowledgeLambdaBasicExecution, nodeLambdaDefaults } from '../shared/node-lambda-defaults';

export const COST_REPORT_ENTRY = 'services/cost-report/src/handler.ts';

/** What the report prices; resolved names/ids of the deployed resources. */
export interface CostReportTargets {
  readonly clusterName: string;
  readonly serviceName: string;
  readonly redisReplicationGroupId: string;
  readonly loadBalancerFullName: string;
  readonly natGatewayIds: string[];
}

export interface CostReportFunctionProps {
  /**
   * Selects the environment's config inside the bundle: the handler prices lib/config's shape and
   * budget for it (services/cost-report/src/deployment-profiles.ts), so none of that is passed here.
   */
  readonly environmentName: string;
  readonly targets: CostReportTargets;
  readonly accessLogsBucket: s3.IBucket;
  readonly removalPolicy: RemovalPolicy;
  readonly logRetention: logs.RetentionDays;
  /** Handler source, relative to the repo root or absolute. */
  readonly entry?: string;
}

/**
 * The cost-report Lambda: reads last period's metrics, prices them with the shared cost model,
 * writes the report to S3 and publishes EstimatedMonthlyCost. Runs daily (running estimate)
 * and on the 1st of the month (the closing report for the previous month).
 */
export class CostReportFunction extends Construct {
  readonly function: nodejs.NodejsFunction;
  readonly reportBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: CostReportFunctionProps) {
    super(scope, id);
    const stack = Stack.of(this);

    this.reportBucket = new s3.Bucket(this, 'Reports', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: props.accessLogsBucket,
      serverAccessLogsPrefix: 'cost-reports/',
      removalPolicy: props.removalPolicy,
      autoDeleteObjects: props.removalPolicy === RemovalPolicy.DESTROY,
    });

    const defaults = nodeLambdaDefaults(props.entry ?? COST_REPORT_ENTRY);
    const { targets: t } = props;
    this.function = new nodejs.NodejsFunction(this, 'Function', {
      ...defaults,
      description: 'Monthly cost estimate from CloudWatch metrics and the cost model',
      timeout: Duration.minutes(2),
      memorySize: 512,
      logGroup: new logs.LogGroup(this, 'Logs', {
        retention: props.logRetention,
        removalPolicy: RemovalPolicy.DESTROY,
      }),
      environment: {
        ...defaults.environment,
        ENVIRONMENT: props.environmentName,
        REPORT_BUCKET: this.reportBucket.bucketName,
        CLUSTER_NAME: t.clusterName,
        SERVICE_NAME: t.serviceName,
        REDIS_REPLICATION_GROUP_ID: t.redisReplicationGroupId,
        LOAD_BALANCER_FULL_NAME: t.loadBalancerFullName,
        NAT_GATEWAY_IDS: t.natGatewayIds.length > 0 ? Fn.join(',', t.natGatewayIds) : '',
      },
    });

    this.function.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'WriteReports',
        actions: ['s3:PutObject'],
        resources: [this.reportBucket.arnForObjects('*')],
      }),
    );
    this.function.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'ReadMetrics',
        // GetMetricData has no resource-level permissions.
        actions: ['cloudwatch:GetMetricData'],
        resources: ['*'],
      }),
    );
    this.function.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'PublishCostMetric',
        actions: ['cloudwatch:PutMetricData'],
        resources: ['*'],
        conditions: { StringEquals: { 'cloudwatch:namespace': METRIC_NAMESPACE } },
      }),
    );
    this.function.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'DescribeRedis',
        actions: ['elasticache:DescribeReplicationGroups'],
        resources: [
          stack.formatArn({
            service: 'elasticache',
            resource: 'replicationgroup',
            resourceName: t.redisReplicationGroupId,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ],
      }),
    );

    acknowledgeLambdaBasicExecution(this.function);
    acknowledgeNagFinding(
      this.function,
      'IAM5[Resource::*]',
      'cloudwatch:GetMetricData and cloudwatch:PutMetricData (namespace-conditioned) support no resource-level permissions.',
    );
    acknowledgeNagFinding(
      this.function,
      `IAM5[Resource::<${stack.getLogicalId(this.reportBucket.node.defaultChild as s3.CfnBucket)}.Arn>/*]`,
      'Report keys are dated (one object per run); PutObject is limited to objects of the report bucket.',
    );

    // The handler reads `period` from the event: a running estimate daily, the closing report on the 1st.
    const invoke = (period: 'month-to-date' | 'previous-month'): targets.LambdaFunction =>
      new targets.LambdaFunction(this.function, {
        event: events.RuleTargetInput.fromObject({ period }),
        retryAttempts: 2,
      });
    new events.Rule(this, 'Daily', {
      description: 'Daily running cost estimate (month to date, projected)',
      schedule: events.Schedule.cron({ minute: '15', hour: '0' }),
      targets: [invoke('month-to-date')],
    });
    new events.Rule(this, 'Monthly', {
      description: 'Closing cost report for the previous month',
      schedule: events.Schedule.cron({ minute: '45', hour: '0', day: '1' }),
      targets: [invoke('previous-month')],
    });
  }
}
