import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { PROVIDER_RESOURCES, type ProviderResource } from '../../services/shared/src/metrics-contract';
import type { AlarmsConfig, ProviderLimitsConfig } from '../config/environment-config';
import type { CallingAgentMetrics } from './calling-agent-metrics';
import { redisNodeMetric } from './redis-metrics';

export interface ServiceAlarmsProps {
  readonly environmentName: string;
  readonly thresholds: AlarmsConfig;
  readonly providerLimits: ProviderLimitsConfig;
  /** Monthly budget for infrastructure + provider APIs, the scope of EstimatedMonthlyCost. */
  readonly budgetUsd: number;
  readonly metrics: CallingAgentMetrics;
  readonly loadBalancer: elbv2.IApplicationLoadBalancer;
  readonly voiceTargetGroup: elbv2.IApplicationTargetGroup;
  readonly redisNodeIds: string[];
  readonly functions: { readonly name: string; readonly fn: lambda.IFunction }[];
  readonly topic: sns.ITopic;
}

export function providerLimit(limits: ProviderLimitsConfig, provider: ProviderResource): number {
  switch (provider) {
    case 'deepgram-stt':
      return limits.deepgramStt;
    case 'elevenlabs-tts':
      return limits.elevenlabsTts;
    case 'deepgram-tts':
      return limits.deepgramTts;
    case 'openai-llm':
      return limits.openaiLlm;
  }
}

/**
 * The alarms an on-call engineer acts on, all notifying one topic. Thresholds come from config;
 * sustained breaches only (M of N minutes), since single spikes are normal for call traffic.
 */
export class ServiceAlarms extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, private readonly props: ServiceAlarmsProps) {
    super(scope, id);
    const { thresholds: t, metrics } = props;

    for (const provider of PROVIDER_RESOURCES) {
      const limit = providerLimit(props.providerLimits, provider);
      this.add(`SlotsSaturated-${provider}`, {
        metric: metrics.providerSlotsInUse(provider),
        threshold: Math.max(1, Math.floor(limit * t.providerSlotsSaturatedRatio)),
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 5,
        datapointsToAlarm: 3,
        alarmDescription: `${provider}: provider slots in use at ${Math.round(t.providerSlotsSaturatedRatio * 100)}% of the account limit (${limit}); calls are queueing for it.`,
      });
      this.add(`QueueWait-${provider}`, {
        metric: metrics.providerQueueWaitP95(provider),
        threshold: t.queueWaitP95Ms,
        evaluationPeriods: 5,
        datapointsToAlarm: 3,
        alarmDescription: `${provider}: p95 wait for a provider slot above ${t.queueWaitP95Ms} ms.`,
      });
    }

    this.add('TurnLatencyP95', {
      metric: metrics.turnLatency(95),
      threshold: t.turnLatencyP95Ms,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      alarmDescription: `p95 turn latency (caller stops -> agent audio) above ${t.turnLatencyP95Ms} ms.`,
    });

    const lbMetrics = props.loadBalancer.metrics;
    this.add('Http5xx', {
      metric: new cloudwatch.MathExpression({
        expression: 'FILL(elb, 0) + FILL(target, 0)',
        usingMetrics: {
          elb: lbMetrics.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, {
            period: Duration.minutes(1),
          }),
          target: lbMetrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, {
            period: Duration.minutes(1),
          }),
        },
        label: 'ALB + target 5xx',
        period: Duration.minutes(1),
      }),
      threshold: t.http5xxPerMinute,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      alarmDescription: `More than ${t.http5xxPerMinute} 5xx responses per minute at the ALB.`,
    });
    this.add('UnhealthyVoiceTargets', {
      metric: props.voiceTargetGroup.metrics.unhealthyHostCount({ period: Duration.minutes(1), statistic: 'Maximum' }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      alarmDescription: 'A voice task has failed ALB health checks for 3 minutes.',
    });

    this.add('RedisCpu', {
      metric: maxOverNodes('EngineCPUUtilization', props.redisNodeIds),
      threshold: t.redisCpuPercent,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      alarmDescription: `Redis engine CPU above ${t.redisCpuPercent}% on a node.`,
    });
    this.add('RedisMemory', {
      metric: maxOverNodes('DatabaseMemoryUsagePercentage', props.redisNodeIds),
      threshold: t.redisMemoryPercent,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      alarmDescription: `Redis memory above ${t.redisMemoryPercent}% on a node.`,
    });

    for (const { name, fn } of props.functions) {
      this.add(`LambdaErrors-${name}`, {
        metric: fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
        threshold: t.lambdaErrorsPer5Min,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        alarmDescription: `${name} Lambda: ${t.lambdaErrorsPer5Min}+ errors in 5 minutes.`,
      });
    }

    // EstimatedMonthlyCost is the whole bill (infrastructure + provider APIs, projected to the
    // month's end), so budget.monthlyUsd is set as a total in lib/config: APIs are ~98 % of it.
    this.add('Budget', {
      metric: metrics.estimatedMonthlyCost(),
      threshold: props.budgetUsd,
      evaluationPeriods: 1,
      alarmDescription: `Estimated monthly cost (infrastructure + provider APIs, projected to month end) above the ${props.budgetUsd} USD budget.`,
    });
  }

  private add(
    id: string,
    props: Omit<cloudwatch.CreateAlarmOptions, 'treatMissingData'> & { metric: cloudwatch.IMetric },
  ): void {
    const { metric, ...options } = props;
    const alarm = new cloudwatch.Alarm(this, id, {
      metric,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      ...options,
      alarmName: `calling-agent-${this.props.environmentName}-${id}`,
      // Quiet hours publish no latency/queue samples; absence of data is not an incident.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new cwActions.SnsAction(this.props.topic));
    alarm.addOkAction(new cwActions.SnsAction(this.props.topic));
    this.alarms.push(alarm);
  }
}

function maxOverNodes(metricName: string, nodeIds: string[]): cloudwatch.IMetric {
  const usingMetrics: Record<string, cloudwatch.IMetric> = {};
  nodeIds.forEach((nodeId, index) => {
    usingMetrics[`n${index}`] = redisNodeMetric(metricName, nodeId);
  });
  return new cloudwatch.MathExpression({
    expression: `MAX([${Object.keys(usingMetrics).join(', ')}])`,
    usingMetrics,
    label: `${metricName} (max over nodes)`,
    period: Duration.minutes(1),
  });
}
