import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';

/** A per-node ElastiCache metric (the `CacheClusterId` dimension is the node id). */
export function redisNodeMetric(metricName: string, nodeId: string): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'AWS/ElastiCache',
    metricName,
    dimensionsMap: { CacheClusterId: nodeId },
    statistic: cloudwatch.Stats.MAXIMUM,
    period: Duration.minutes(1),
    label: nodeId,
  });
}
