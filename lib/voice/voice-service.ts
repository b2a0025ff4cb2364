import { Duration, RemovalPolicy, Size, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { METRIC_NAMESPACE, VOICE_SERVICE_NAME } from '../../services/shared/src/metrics-contract';
import { acknowledgeNagFinding } from '../compliance';
import type { ProviderLimitsConfig, VoiceServiceConfig } from '../config/environment-config';
import { cdkRetentionDays } from '../shared/log-retention';

export const VOICE_CONTAINER_NAME = 'voice';
export const VOICE_CONTAINER_PORT = 8080;

export interface VoiceSecrets {
  readonly redisAuthToken: secretsmanager.ISecret;
  readonly mongodbUri: secretsmanager.ISecret;
  readonly deepgramApiKey: secretsmanager.ISecret;
  readonly openaiApiKey: secretsmanager.ISecret;
  readonly elevenlabsApiKey: secretsmanager.ISecret;
  readonly streamSigningKey: secretsmanager.ISecret;
}

export interface VoiceServiceProps {
  readonly vpc: ec2.IVpc;
  readonly environmentName: string;
  readonly settings: VoiceServiceConfig;
  readonly providerLimits: ProviderLimitsConfig;
  readonly image: ecs.ContainerImage;
  /** `rediss://host:port` (the AUTH token comes separately, as a secret). */
  readonly redisUrl: string;
  readonly secrets: VoiceSecrets;
}

/**
 * The voice service on Fargate: one container (the esbuild bundle), Spot/on-demand mix from
 * config, deployment circuit breaker with rollback, secrets injected from Secrets Manager, and
 * a task role that can only protect its own tasks from scale-in and publish CallingAgent metrics.
 */
export class VoiceService extends Construct implements ec2.IConnectable {
  readonly cluster: ecs.Cluster;
  readonly service: ecs.FargateService;
  readonly taskDefinition: ecs.FargateTaskDefinition;
  readonly container: ecs.ContainerDefinition;
  readonly connections: ec2.Connections;
  private readonly environmentName: string;

  constructor(scope: Construct, id: string, props: VoiceServiceProps) {
    super(scope, id);
    this.environmentName = props.environmentName;
    const { settings } = props;

    this.cluster = new ecs.Cluster(this, 'Cluster', {
      vpc: props.vpc,
      // A fixed name keeps the task-protection ARN in the task role predictable.
      clusterName: `calling-agent-${props.environmentName}`,
      enableFargateCapacityProviders: true,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
    });

    this.taskDefinition = new ecs.FargateTaskDefinition(this, 'TaskDefinition', {
      cpu: settings.cpu,
      memoryLimitMiB: settings.memoryMiB,
      runtimePlatform: {
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
        cpuArchitecture:
          settings.architecture === 'ARM64' ? ecs.CpuArchitecture.ARM64 : ecs.CpuArchitecture.X86_64,
      },
    });

    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: cdkRetentionDays(settings.logRetentionDays),
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const { secrets, providerLimits } = props;
    this.container = this.taskDefinition.addContainer(VOICE_CONTAINER_NAME, {
      image: props.image,
      essential: true,
      portMappings: [{ containerPort: VOICE_CONTAINER_PORT, protocol: ecs.Protocol.TCP }],
      // SIGTERM -> refuse new calls, drain for DRAIN_DEADLINE_SEC -> exit before SIGKILL.
      stopTimeout: Duration.seconds(settings.stopTimeoutSec),
      environment: {
        PORT: String(VOICE_CONTAINER_PORT),
        ENVIRONMENT: props.environmentName,
        SERVICE_NAME: VOICE_SERVICE_NAME,
        REDIS_URL: props.redisUrl,
        LIMIT_DEEPGRAM_STT: String(providerLimits.deepgramStt),
        LIMIT_ELEVENLABS_TTS: String(providerLimits.elevenlabsTts),
        LIMIT_DEEPGRAM_TTS: String(providerLimits.deepgramTts),
        LIMIT_OPENAI_LLM: String(providerLimits.openaiLlm),
        MAX_CALLS_PER_TASK: String(settings.maxCallsPerTask),
        METRICS_INTERVAL_SEC: String(settings.metricsIntervalSec),
        DRAIN_DEADLINE_SEC: String(settings.drainDeadlineSec),
        STREAM_AUTH_MODE: 'required',
        NODE_ENV: 'production',
      },
      secrets: {
        REDIS_AUTH_TOKEN: ecs.Secret.fromSecretsManager(secrets.redisAuthToken),
        MONGODB_URI: ecs.Secret.fromSecretsManager(secrets.mongodbUri),
        DEEPGRAM_API_KEY: ecs.Secret.fromSecretsManager(secrets.deepgramApiKey),
        OPENAI_API_KEY: ecs.Secret.fromSecretsManager(secrets.openaiApiKey),
        ELEVENLABS_API_KEY: ecs.Secret.fromSecretsManager(secrets.elevenlabsApiKey),
        STREAM_SIGNING_KEY: ecs.Secret.fromSecretsManager(secrets.streamSigningKey),
      },
      // Liveness only: any HTTP answer means the process is up. 503 (draining/overloaded) is a
      // routing signal for the ALB, not a reason for ECS to kill a task that is carrying calls.
      healthCheck: {
        command: [
          'CMD',
          'node',
          '-e',
          `fetch('http://127.0.0.1:${VOICE_CONTAINER_PORT}/health').then(r=>process.exit(r.status<500||r.status===503?0:1),()=>process.exit(1))`,
        ],
        interval: Duration.seconds(15),
        timeout: Duration.seconds(5),
        retries: 3,
        startPeriod: Duration.seconds(30),
      },
      logging: ecs.LogDrivers.awsLogs({
        logGroup,
        streamPrefix: VOICE_SERVICE_NAME,
        // Never let a slow log pipe stall the event loop carrying audio.
        mode: ecs.AwsLogDriverMode.NON_BLOCKING,
        maxBufferSize: Size.mebibytes(25),
      }),
    });

    this.grantTaskPermissions(this.taskDefinition.taskRole);
    acknowledgeNagFinding(
      this.taskDefinition,
      'ECS2',
      'Plain environment variables carry only non-secret settings (limits, URLs without credentials); every secret is injected from Secrets Manager.',
    );
    acknowledgeNagFinding(
      this.taskDefinition,
      'IAM5[Resource::*]',
      'cloudwatch:PutMetricData (task role, limited by the cloudwatch:namespace condition) and ecr:GetAuthorizationToken (execution role) support no resource-level permissions.',
    );

    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Voice service tasks',
      // Tasks call Deepgram, OpenAI, ElevenLabs, Atlas and AWS APIs over NAT.
      allowAllOutbound: true,
    });
    Validations.of(securityGroup).acknowledge({
      id: 'Annotation::@aws-cdk/aws-ec2:ipv4IgnoreEgressRule',
      reason: 'Egress is open by design (provider APIs); the per-peer egress rules CDK skips would add nothing.',
    });

    this.service = new ecs.FargateService(this, 'Service', {
      cluster: this.cluster,
      taskDefinition: this.taskDefinition,
      desiredCount: settings.minTasks,
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      circuitBreaker: { enable: true, rollback: true },
      capacityProviderStrategies: capacityProviderStrategies(settings),
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [securityGroup],
      assignPublicIp: false,
      healthCheckGracePeriod: Duration.seconds(60),
      propagateTags: ecs.PropagatedTagSource.SERVICE,
    });
    this.connections = this.service.connections;
  }

  private grantTaskPermissions(taskRole: iam.IRole): void {
    const stack = Stack.of(this);
    const clusterName = `calling-agent-${this.environmentName}`;
    const taskArnPattern = stack.formatArn({ service: 'ecs', resource: 'task', resourceName: `${clusterName}/*` });
    // Scale-in protection while a task holds calls; only for tasks of this cluster.
    taskRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ProtectOwnTasksFromScaleIn',
        actions: ['ecs:UpdateTaskProtection', 'ecs:GetTaskProtection'],
        resources: [taskArnPattern],
      }),
    );
    acknowledgeNagFinding(
      taskRole,
      `IAM5[Resource::arn:<AWS::Partition>:ecs:${stack.region}:${stack.account}:task/${clusterName}/*]`,
      'Task ids are only known at run time; the pattern limits task protection to tasks of this cluster.',
    );
    // PutMetricData has no resource-level permissions; the namespace condition is the scope.
    taskRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'PublishCallingAgentMetrics',
        actions: ['cloudwatch:PutMetricData'],
        resources: ['*'],
        conditions: { StringEquals: { 'cloudwatch:namespace': METRIC_NAMESPACE } },
      }),
    );
  }
}

/** FARGATE carries the base tasks; the rest split between FARGATE and FARGATE_SPOT by weight. */
export function capacityProviderStrategies(settings: VoiceServiceConfig): ecs.CapacityProviderStrategy[] {
  const strategies: ecs.CapacityProviderStrategy[] = [];
  if (settings.fargateWeight > 0 || settings.fargateBaseTasks > 0) {
    strategies.push({
      capacityProvider: 'FARGATE',
      base: settings.fargateBaseTasks,
      weight: settings.fargateWeight,
    });
  }
  if (settings.fargateSpotWeight > 0) {
    strategies.push({ capacityProvider: 'FARGATE_SPOT', weight: settings.fargateSpotWeight });
  }
  return strategies;
}
