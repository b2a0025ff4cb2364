import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeReplicationGroupsCommand, ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { z } from 'zod';
import { DIM_ENVIRONMENT, METRIC_NAMESPACE, MetricNames } from '../../shared/src/metrics-contract';
import { DEFAULT_CALL_ASSUMPTIONS } from './call-assumptions';
import { readRecordedMetrics } from './cloudwatch-metrics';
import { deploymentProfile, type DeploymentProfile } from './deployment-profiles';
import { toJson } from './json';
import { lambdaConfigFromEnv, type LambdaConfig } from './lambda-config';
import { regionPrices } from './price-catalog';
import { reportFromObserved } from './observed-report';
import { reportMarkdown } from './report-markdown';
import { reportPeriod } from './report-period';
import { usageFromMetrics } from './usage-from-metrics';

/**
 * The scheduled cost report: reads what the deployment recorded in CloudWatch, prices it with
 * the same model as `npm run cost`, stores JSON + Markdown in S3 and publishes
 * EstimatedMonthlyCost (the budget alarm lives in the CDK).
 *
 * Schedules: daily (month to date, projected) and on the 1st (the previous month, final).
 * The EventBridge rule may pass `{ "period": "previous-month" | "month-to-date" }`.
 */
export interface CostReportResult {
  readonly month: string;
  readonly jsonKey: string;
  readonly markdownKey: string;
  readonly estimatedMonthlyCostUsd: number;
}

export interface HandlerDeps {
  readonly cloudwatch: CloudWatchClient;
  readonly elasticache: ElastiCacheClient;
  readonly s3: S3Client;
  readonly env: NodeJS.ProcessEnv;
  readonly now: () => Date;
}

const eventSchema = z.object({ period: z.enum(['previous-month', 'month-to-date']).optional() }).passthrough();

/** Redis node type and count of the replication group (primary + replicas). */
async function describeRedis(elasticache: ElastiCacheClient, id: string): Promise<{ nodeType: string; nodeCount: number }> {
  const out = await elasticache.send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: id }));
  const group = out.ReplicationGroups?.[0];
  if (group?.CacheNodeType === undefined) throw new Error(`replication group ${id} not found or has no node type`);
  const nodeCount =
    group.MemberClusters?.length ??
    (group.NodeGroups ?? []).reduce((n, g) => n + (g.NodeGroupMembers?.length ?? 0), 0);
  return { nodeType: group.CacheNodeType, nodeCount };
}

/**
 * The environment's profile from the bundled lib/config (task size, Spot mix, NAT gateways,
 * budget...), with the Redis group as ElastiCache describes it: a node type or replica changed
 * outside the stacks is billed, so the report prices what runs.
 */
function deploymentFor(config: LambdaConfig, redis: { nodeType: string; nodeCount: number }): DeploymentProfile {
  return { ...deploymentProfile(config.environment), redis };
}

export function createHandler(deps: () => HandlerDeps): (event?: unknown) => Promise<CostReportResult> {
  return async (event?: unknown) => {
    const d = deps();
    const config = lambdaConfigFromEnv(d.env);
    const { period: mode } = eventSchema.parse(event ?? {});
    const period = reportPeriod(d.now(), mode);
    if (period.hours <= 0) throw new Error(`nothing to report yet for ${period.month}`);

    const [metrics, redis] = await Promise.all([
      readRecordedMetrics(d.cloudwatch, config, period),
      describeRedis(d.elasticache, config.redisReplicationGroupId),
    ]);
    const deployment = deploymentFor(config, redis);
    const prices = regionPrices(deployment.region);
    const observed = usageFromMetrics(metrics, period, deployment, DEFAULT_CALL_ASSUMPTIONS);
    const report = reportFromObserved(observed, period, deployment, prices, DEFAULT_CALL_ASSUMPTIONS);

    const prefix = `reports/${config.environment}/${period.month}`;
    const jsonKey = `${prefix}.json`;
    const markdownKey = `${prefix}.md`;
    await Promise.all([
      d.s3.send(new PutObjectCommand({ Bucket: config.reportBucket, Key: jsonKey, Body: toJson(report), ContentType: 'application/json' })),
      d.s3.send(new PutObjectCommand({ Bucket: config.reportBucket, Key: markdownKey, Body: reportMarkdown(report), ContentType: 'text/markdown; charset=utf-8' })),
    ]);
    await d.cloudwatch.send(
      new PutMetricDataCommand({
        Namespace: METRIC_NAMESPACE,
        MetricData: [
          {
            MetricName: MetricNames.estimatedMonthlyCost,
            Dimensions: [{ Name: DIM_ENVIRONMENT, Value: config.environment }],
            Value: report.totalMonthlyUsd,
            Unit: 'None',
            Timestamp: d.now(),
          },
        ],
      }),
    );
    return { month: period.month, jsonKey, markdownKey, estimatedMonthlyCostUsd: report.totalMonthlyUsd };
  };
}

let clients: Pick<HandlerDeps, 'cloudwatch' | 'elasticache' | 's3'> | undefined;

/** Lambda entry point: clients are created once per container, in the function's region. */
export const handler = createHandler(() => {
  clients ??= { cloudwatch: new CloudWatchClient({}), elasticache: new ElastiCacheClient({}), s3: new S3Client({}) };
  return { ...clients, env: process.env, now: () => new Date() };
});
