import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as elbv2Targets from 'aws-cdk-lib/aws-elasticloadbalancingv2-targets';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../config/environment-config';
import type { DataStack } from '../data/data-stack';
import { PublicLoadBalancer } from '../ingress/public-load-balancer';
import { ROUTES, VOICE_HEALTH_PATH } from '../ingress/routes';
import { AtlasPrivateEndpoint } from '../network/atlas-private-endpoint';
import { CallingAgentMetrics } from '../observability/calling-agent-metrics';
import { addActiveCallsScaling } from '../voice/voice-autoscaling';
import { VOICE_CONTAINER_NAME, VOICE_CONTAINER_PORT, VoiceService } from '../voice/voice-service';
import { cdkRetentionDays } from '../shared/log-retention';
import { WebhookFunction } from '../webhook/webhook-function';

export interface ServiceStackProps extends StackProps {
  readonly config: EnvironmentConfig;
  readonly vpc: ec2.IVpc;
  readonly data: DataStack;
  readonly voiceImage: ecs.ContainerImage;
  readonly atlasEndpoint?: AtlasPrivateEndpoint;
  readonly webhookEntry?: string;
}

/**
 * Everything Exotel reaches: the ALB, the voice service behind `/ws/exotel/*` and `/health`,
 * and the webhook Lambda behind `/exotel/*`. One stack, so the listener, its rules and the
 * target groups stay together (no cross-stack listener wiring).
 */
export class ServiceStack extends Stack {
  readonly ingress: PublicLoadBalancer;
  readonly voice: VoiceService;
  readonly voiceTargetGroup: elbv2.ApplicationTargetGroup;
  readonly webhook: WebhookFunction;
  /** `wss://host` (or `ws://host` without a certificate) where Exotel reaches the service. */
  readonly publicBaseUrl: string;

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, props);
    const { config, data } = props;
    const removalPolicy = config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    this.ingress = new PublicLoadBalancer(this, 'Ingress', {
      vpc: props.vpc,
      certificateArn: config.domain.certificateArn,
      idleTimeoutSec: config.loadBalancer.idleTimeoutSec,
      logsRemovalPolicy: removalPolicy,
    });
    const host = config.domain.name ?? this.ingress.loadBalancer.loadBalancerDnsName;
    const httpScheme = this.ingress.scheme;
    this.publicBaseUrl = `${httpScheme === 'https' ? 'wss' : 'ws'}://${host}`;

    this.voice = new VoiceService(this, 'Voice', {
      vpc: props.vpc,
      environmentName: config.name,
      settings: config.voice,
      providerLimits: config.providerLimits,
      image: props.voiceImage,
      redisUrl: data.redis.url,
      secrets: {
        redisAuthToken: data.redis.authToken,
        mongodbUri: data.secrets.mongodbUri,
        deepgramApiKey: data.secrets.deepgramApiKey,
        openaiApiKey: data.secrets.openaiApiKey,
        elevenlabsApiKey: data.secrets.elevenlabsApiKey,
        streamSigningKey: data.secrets.streamSigningKey,
      },
    });
    // The ingress rules land in this stack (the peer's), so the data stack never depends on it.
    this.voice.connections.allowToDefaultPort(data.redis, 'voice tasks to Redis');
    if (props.atlasEndpoint !== undefined) {
      this.voice.connections.allowTo(props.atlasEndpoint.endpoint, AtlasPrivateEndpoint.PORTS, 'voice tasks to Atlas');
    }

    addActiveCallsScaling(this.voice.service, config.voice, new CallingAgentMetrics(config.name).activeCallsPerTask());

    this.voiceTargetGroup = this.ingress.listener.addTargets('Voice', {
      priority: ROUTES.voiceStream.priority,
      conditions: [elbv2.ListenerCondition.pathPatterns([...ROUTES.voiceStream.paths])],
      port: VOICE_CONTAINER_PORT,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targets: [
        this.voice.service.loadBalancerTarget({ containerName: VOICE_CONTAINER_NAME, containerPort: VOICE_CONTAINER_PORT }),
      ],
      // After SIGTERM a task drains for drainDeadlineSec; the ALB keeps its sockets that long.
      deregistrationDelay: Duration.seconds(config.voice.drainDeadlineSec),
      healthCheck: {
        path: VOICE_HEALTH_PATH,
        // 503 = draining/overloaded but alive. Counting it unhealthy would make ECS replace a
        // full task and drop its calls; the service itself refuses calls it cannot take.
        healthyHttpCodes: '200,503',
        interval: Duration.seconds(10),
        timeout: Duration.seconds(5),
        healthyThresholdCount: 2,
        unhealthyThresholdCount: 3,
      },
    });
    this.ingress.listener.addTargetGroups('VoiceHealth', {
      priority: ROUTES.voiceHealth.priority,
      conditions: [elbv2.ListenerCondition.pathPatterns([...ROUTES.voiceHealth.paths])],
      targetGroups: [this.voiceTargetGroup],
    });

    this.webhook = new WebhookFunction(this, 'Webhook', {
      environmentName: config.name,
      rateLimits: config.rateLimits,
      rateLimitTable: data.rateLimits.table,
      streamSigningSecret: data.secrets.streamSigningKey,
      streamBaseUrl: this.publicBaseUrl,
      logRetention: cdkRetentionDays(config.voice.logRetentionDays),
      entry: props.webhookEntry,
    });
    this.ingress.listener.addTargets('Webhook', {
      priority: ROUTES.webhook.priority,
      conditions: [elbv2.ListenerCondition.pathPatterns([...ROUTES.webhook.paths])],
      targets: [new elbv2Targets.LambdaTarget(this.webhook.function)],
    });

    const httpBase = `${httpScheme}://${host}`;
    new CfnOutput(this, 'LoadBalancerDnsName', {
      value: this.ingress.loadBalancer.loadBalancerDnsName,
      description: 'Point the domain (CNAME) at this name.',
    });
    new CfnOutput(this, 'ExotelVoicebotUrl', {
      value: `${httpBase}/exotel/webhook`,
      description: 'Exotel Voicebot applet, dynamic URL: answers with the signed wss:// stream URL.',
    });
    new CfnOutput(this, 'ExotelPassthruUrl', {
      value: `${httpBase}/exotel/passthru`,
      description: 'Exotel Passthru applet (admission check only).',
    });
    new CfnOutput(this, 'StreamBaseUrl', { value: this.publicBaseUrl, description: 'Base of the media WebSocket URLs.' });
  }
}
