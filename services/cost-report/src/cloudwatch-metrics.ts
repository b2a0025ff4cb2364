import { GetMetricDataCommand, type CloudWatchClient, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { DIM_ENVIRONMENT, DIM_SERVICE, METRIC_NAMESPACE, MetricNames, VOICE_SERVICE_NAME } from '../../shared/src/metrics-contract';
import type { LambdaConfig } from './lambda-config';
import type { ReportPeriod } from './report-period';

/** Hourly values by query id: hour start (epoch ms) → value. */
export type HourlySeries = ReadonlyMap<number, number>;

export interface RecordedMetrics {
  /** Mean ActiveCalls per task (the autoscaling metric) and its datapoint count. */
  readonly activeCallsAverage: HourlySeries;
  readonly activeCallsSamples: HourlySeries;
  /** ECS/ContainerInsights RunningTaskCount (empty without Container Insights). */
  readonly runningTasks: HourlySeries;
  readonly albProcessedBytes: HourlySeries;
  readonly albNewConnections: HourlySeries;
  readonly albActiveConnectionsSum: HourlySeries;
  readonly albRuleEvaluations: HourlySeries;
  /** Summed over all NAT gateways. */
  readonly natBytesInFromSource: HourlySeries;
  readonly natBytesInFromDestination: HourlySeries;
  readonly natBytesOutToDestination: HourlySeries;
}

const HOUR_S = 3600;

type Dims = Record<string, string>;

function query(id: string, namespace: string, metricName: string, dims: Dims, stat: string): MetricDataQuery {
  return {
    Id: id,
    MetricStat: {
      Metric: { Namespace: namespace, MetricName: metricName, Dimensions: Object.entries(dims).map(([Name, Value]) => ({ Name, Value })) },
      Period: HOUR_S,
      Stat: stat,
    },
    ReturnData: true,
  };
}

const NAT_METRICS = {
  in_src: 'BytesInFromSource',
  in_dst: 'BytesInFromDestination',
  out_dst: 'BytesOutToDestination',
} as const;

/** The GetMetricData queries one report needs; ids are stable so the reader can find them. */
export function metricQueries(config: LambdaConfig): MetricDataQuery[] {
  const service = { [DIM_ENVIRONMENT]: config.environment, [DIM_SERVICE]: VOICE_SERVICE_NAME };
  const ecs = { ClusterName: config.clusterName, ServiceName: config.serviceName };
  const alb = { LoadBalancer: config.loadBalancerFullName };
  return [
    query('calls_avg', METRIC_NAMESPACE, MetricNames.activeCalls, service, 'Average'),
    query('calls_n', METRIC_NAMESPACE, MetricNames.activeCalls, service, 'SampleCount'),
    query('tasks', 'ECS/ContainerInsights', 'RunningTaskCount', ecs, 'Average'),
    query('alb_bytes', 'AWS/ApplicationELB', 'ProcessedBytes', alb, 'Sum'),
    query('alb_new', 'AWS/ApplicationELB', 'NewConnectionCount', alb, 'Sum'),
    query('alb_active', 'AWS/ApplicationELB', 'ActiveConnectionCount', alb, 'Sum'),
    query('alb_rules', 'AWS/ApplicationELB', 'RuleEvaluations', alb, 'Sum'),
    ...config.natGatewayIds.flatMap((natId, i) =>
      Object.entries(NAT_METRICS).map(([key, name]) => query(`nat${i}_${key}`, 'AWS/NATGateway', name, { NatGatewayId: natId }, 'Sum')),
    ),
  ];
}

/** Runs the queries over the period (following NextToken) and groups the values by hour. */
export async function readRecordedMetrics(cloudwatch: CloudWatchClient, config: LambdaConfig, period: ReportPeriod): Promise<RecordedMetrics> {
  const byId = new Map<string, Map<number, number>>();
  let nextToken: string | undefined;
  do {
    const page = await cloudwatch.send(
      new GetMetricDataCommand({
        MetricDataQueries: metricQueries(config),
        StartTime: period.start,
        EndTime: period.end,
        ScanBy: 'TimestampAscending',
        NextToken: nextToken,
      }),
    );
    for (const result of page.MetricDataResults ?? []) {
      if (result.Id === undefined) continue;
      const series = byId.get(result.Id) ?? new Map<number, number>();
      const timestamps = result.Timestamps ?? [];
      const values = result.Values ?? [];
      timestamps.forEach((t, i) => {
        const v = values[i];
        if (v !== undefined) series.set(new Date(t).getTime(), v);
      });
      byId.set(result.Id, series);
    }
    nextToken = page.NextToken;
  } while (nextToken);

  const get = (id: string): HourlySeries => byId.get(id) ?? new Map<number, number>();
  const natSum = (key: keyof typeof NAT_METRICS): HourlySeries => {
    const total = new Map<number, number>();
    config.natGatewayIds.forEach((_, i) => {
      for (const [t, v] of get(`nat${i}_${key}`)) total.set(t, (total.get(t) ?? 0) + v);
    });
    return total;
  };
  return {
    activeCallsAverage: get('calls_avg'),
    activeCallsSamples: get('calls_n'),
    runningTasks: get('tasks'),
    albProcessedBytes: get('alb_bytes'),
    albNewConnections: get('alb_new'),
    albActiveConnectionsSum: get('alb_active'),
    albRuleEvaluations: get('alb_rules'),
    natBytesInFromSource: natSum('in_src'),
    natBytesInFromDestination: natSum('in_dst'),
    natBytesOutToDestination: natSum('out_dst'),
  };
}
