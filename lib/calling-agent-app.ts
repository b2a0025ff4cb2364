import { type App, Tags } from 'aws-cdk-lib';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import type { EnvironmentConfig } from './config/environment-config';
import { DataStack } from './data/data-stack';
import { NetworkStack } from './network/network-stack';
import { CostReportStack } from './stacks/cost-report-stack';
import { ObservabilityStack } from './stacks/observability-stack';
import { ServiceStack } from './stacks/service-stack';
import { voiceContainerImage } from './voice/voice-image';

export interface CallingAgentStacks {
  readonly network: NetworkStack;
  readonly data: DataStack;
  readonly service: ServiceStack;
  readonly costReport: CostReportStack;
  readonly observability: ObservabilityStack;
}

export interface BuildOptions {
  /** Defaults to the image built from services/voice/Dockerfile. */
  readonly voiceImage?: ecs.ContainerImage;
  /** Lambda handler sources (repo-relative or absolute); default to the services' real entries. */
  readonly webhookEntry?: string;
  readonly costReportEntry?: string;
}

/** Stack id prefix for an environment: `CallingAgent-<env>-<Part>`. */
export function stackPrefix(config: EnvironmentConfig): string {
  return `CallingAgent-${config.name}`;
}

/** All stacks of one environment, wired together. Used by bin/ and by the tests alike. */
export function buildCallingAgent(app: App, config: EnvironmentConfig, options: BuildOptions = {}): CallingAgentStacks {
  const env = { account: config.account, region: config.region };
  const prefix = stackPrefix(config);

  const network = new NetworkStack(app, `${prefix}-Network`, {
    env,
    config,
    description: `calling-agent ${config.name}: VPC, NAT egress IPs, Atlas endpoint`,
  });
  const data = new DataStack(app, `${prefix}-Data`, {
    env,
    config,
    vpc: network.vpc,
    description: `calling-agent ${config.name}: Redis, rate-limit table, secrets`,
  });
  const service = new ServiceStack(app, `${prefix}-Service`, {
    env,
    config,
    vpc: network.vpc,
    data,
    atlasEndpoint: network.atlasEndpoint,
    voiceImage: options.voiceImage ?? voiceContainerImage(config.voice.architecture),
    webhookEntry: options.webhookEntry,
    description: `calling-agent ${config.name}: ALB, voice service, webhook`,
  });
  const costReport = new CostReportStack(app, `${prefix}-CostReport`, {
    env,
    config,
    accessLogsBucket: service.ingress.logsBucket,
    entry: options.costReportEntry,
    targets: {
      clusterName: service.voice.cluster.clusterName,
      serviceName: service.voice.service.serviceName,
      redisReplicationGroupId: data.redis.replicationGroupId,
      loadBalancerFullName: service.ingress.loadBalancer.loadBalancerFullName,
      natGatewayIds: network.natGatewayIds(),
    },
    description: `calling-agent ${config.name}: scheduled cost report`,
  });
  const observability = new ObservabilityStack(app, `${prefix}-Observability`, {
    env,
    config,
    loadBalancer: service.ingress.loadBalancer,
    voiceTargetGroup: service.voiceTargetGroup,
    voiceService: service.voice.service,
    redisNodeIds: data.redis.nodeIds,
    functions: [
      { name: 'webhook', fn: service.webhook.function },
      { name: 'cost-report', fn: costReport.costReport.function },
    ],
    description: `calling-agent ${config.name}: dashboard, alarms`,
  });

  for (const stack of [network, data, service, costReport, observability]) {
    Tags.of(stack).add('project', 'calling-agent');
    Tags.of(stack).add('environment', config.name);
  }
  return { network, data, service, costReport, observability };
}
