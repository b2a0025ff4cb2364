import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import { Construct } from 'constructs';
import { PROVIDER_RESOURCES } from '../../services/shared/src/metrics-contract';
import type { EnvironmentConfig } from '../config/environment-config';
import type { CallingAgentMetrics } from './calling-agent-metrics';
import { redisNodeMetric } from './redis-metrics';
import { providerLimit } from './service-alarms';

export interface OperationsDashboardProps {
  readonly config: EnvironmentConfig;
  readonly metrics: CallingAgentMetrics;
  readonly loadBalancer: elbv2.IApplicationLoadBalancer;
  readonly voiceTargetGroup: elbv2.IApplicationTargetGroup;
  readonly voiceService: ecs.IBaseService;
  readonly redisNodeIds: string[];
}

const WIDTH = 12;
const HEIGHT = 6;

/** One page for the whole call path: load and capacity, providers, latency, edges, cost. */
export class OperationsDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;
  readonly dashboardName: string;

  constructor(scope: Construct, id: string, props: OperationsDashboardProps) {
    super(scope, id);
    const { config, metrics } = props;
    this.dashboardName = `calling-agent-${config.name}`;
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: this.dashboardName,
      defaultInterval: Duration.hours(3),
    });

    const graph = (title: string, left: cloudwatch.IMetric[], extra: Partial<cloudwatch.GraphWidgetProps> = {}) =>
      new cloudwatch.GraphWidget({ title, left, width: WIDTH, height: HEIGHT, ...extra });

    const runningTasks = new cloudwatch.Metric({
      namespace: 'ECS/ContainerInsights',
      metricName: 'RunningTaskCount',
      dimensionsMap: { ClusterName: props.voiceService.cluster.clusterName, ServiceName: props.voiceService.serviceName },
      statistic: cloudwatch.Stats.AVERAGE,
      period: Duration.minutes(1),
      label: 'Running tasks',
    });

    this.dashboard.addWidgets(
      graph('Active calls vs tasks', [metrics.activeCallsTotal().with({ label: 'Active calls (all tasks)' })], {
        right: [runningTasks, metrics.reportingTasks().with({ label: 'Tasks reporting' })],
      }),
      graph('Calls per task (autoscaling target)', [metrics.activeCallsPerTask().with({ label: 'ActiveCalls avg' })], {
        leftAnnotations: [{ value: config.voice.targetCallsPerTask, label: 'target' }],
      }),
    );

    this.dashboard.addWidgets(
      ...PROVIDER_RESOURCES.map(
        (provider) =>
          new cloudwatch.GraphWidget({
            title: `${provider}: slots in use vs limit`,
            left: [
              metrics.providerSlotsInUse(provider).with({ label: 'in use' }),
              metrics.providerSlotLimit(provider).with({ label: 'limit (reported)' }),
            ],
            leftAnnotations: [{ value: providerLimit(config.providerLimits, provider), label: 'configured limit' }],
            width: WIDTH / 2,
            height: HEIGHT,
          }),
      ),
    );

    this.dashboard.addWidgets(
      graph('Provider queue depth', PROVIDER_RESOURCES.map((p) => metrics.providerQueueDepth(p).with({ label: p }))),
      graph('Provider queue wait p95 (ms)', PROVIDER_RESOURCES.map((p) => metrics.providerQueueWaitP95(p).with({ label: p })), {
        leftAnnotations: [{ value: config.alarms.queueWaitP95Ms, label: 'alarm' }],
      }),
    );

    this.dashboard.addWidgets(
      graph('Turn latency (ms)', [metrics.turnLatency(50).with({ label: 'p50' }), metrics.turnLatency(95).with({ label: 'p95' })], {
        leftAnnotations: [{ value: config.alarms.turnLatencyP95Ms, label: 'p95 alarm' }],
      }),
      graph('Transcript backlog (WAL entries)', [metrics.transcriptBacklog()]),
    );

    const lb = props.loadBalancer.metrics;
    const perMinute = { period: Duration.minutes(1) };
    this.dashboard.addWidgets(
      graph('ALB 4xx / 5xx', [
        lb.httpCodeElb(elbv2.HttpCodeElb.ELB_4XX_COUNT, perMinute).with({ label: 'ELB 4xx' }),
        lb.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, perMinute).with({ label: 'ELB 5xx' }),
        lb.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_4XX_COUNT, perMinute).with({ label: 'target 4xx' }),
        lb.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, perMinute).with({ label: 'target 5xx' }),
      ]),
      graph('Voice targets: healthy / unhealthy', [
        props.voiceTargetGroup.metrics.healthyHostCount(perMinute).with({ label: 'healthy' }),
        props.voiceTargetGroup.metrics.unhealthyHostCount(perMinute).with({ label: 'unhealthy' }),
      ]),
    );

    this.dashboard.addWidgets(
      graph('Redis engine CPU %', props.redisNodeIds.map((node) => redisNodeMetric('EngineCPUUtilization', node)), {
        leftAnnotations: [{ value: config.alarms.redisCpuPercent, label: 'alarm' }],
      }),
      graph('Redis memory %', props.redisNodeIds.map((node) => redisNodeMetric('DatabaseMemoryUsagePercentage', node)), {
        leftAnnotations: [{ value: config.alarms.redisMemoryPercent, label: 'alarm' }],
      }),
    );

    this.dashboard.addWidgets(
      graph('Webhook admissions and rate-limit rejections', [
        metrics.callsAdmitted().with({ label: 'admitted' }),
        metrics.callsRejectedByReason(),
      ], { right: [metrics.admissionDecisionP95().with({ label: 'decision p95 (ms)' })] }),
      graph('Estimated monthly cost, infrastructure + provider APIs (USD)', [metrics.estimatedMonthlyCost().with({ label: 'estimate (projected)' })], {
        leftAnnotations: [{ value: config.budget.monthlyUsd, label: 'budget (infra + APIs)' }],
      }),
    );
  }
}
