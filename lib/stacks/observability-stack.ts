import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../config/environment-config';
import { AlarmTopic } from '../observability/alarm-topic';
import { CallingAgentMetrics } from '../observability/calling-agent-metrics';
import { OperationsDashboard } from '../observability/operations-dashboard';
import { ServiceAlarms } from '../observability/service-alarms';

export interface ObservabilityStackProps extends StackProps {
  readonly config: EnvironmentConfig;
  readonly loadBalancer: elbv2.IApplicationLoadBalancer;
  readonly voiceTargetGroup: elbv2.IApplicationTargetGroup;
  readonly voiceService: ecs.IBaseService;
  readonly redisNodeIds: string[];
  readonly functions: { readonly name: string; readonly fn: lambda.IFunction }[];
}

/** Dashboard, alarms and the alarm topic. */
export class ObservabilityStack extends Stack {
  readonly alarmTopic: AlarmTopic;
  readonly alarms: ServiceAlarms;
  readonly dashboard: OperationsDashboard;

  constructor(scope: Construct, id: string, props: ObservabilityStackProps) {
    super(scope, id, props);
    const { config } = props;
    const metrics = new CallingAgentMetrics(config.name);

    this.alarmTopic = new AlarmTopic(this, 'AlarmTopic', { email: config.alarms.email });
    this.alarms = new ServiceAlarms(this, 'Alarms', {
      environmentName: config.name,
      thresholds: config.alarms,
      providerLimits: config.providerLimits,
      budgetUsd: config.budget.monthlyUsd,
      metrics,
      loadBalancer: props.loadBalancer,
      voiceTargetGroup: props.voiceTargetGroup,
      redisNodeIds: props.redisNodeIds,
      functions: props.functions,
      topic: this.alarmTopic.topic,
    });
    this.dashboard = new OperationsDashboard(this, 'Dashboard', {
      config,
      metrics,
      loadBalancer: props.loadBalancer,
      voiceTargetGroup: props.voiceTargetGroup,
      voiceService: props.voiceService,
      redisNodeIds: props.redisNodeIds,
    });

    new CfnOutput(this, 'DashboardUrl', {
      value: `https://${this.region}.console.aws.amazon.com/cloudwatch/home?region=${this.region}#dashboards:name=${this.dashboard.dashboardName}`,
    });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarmTopic.topic.topicArn });
  }
}
