import { ENVIRONMENT_NAMES, type EnvironmentConfig, type EnvironmentName } from '../../../lib/config/environment-config';
import { loadEnvironmentConfig } from '../../../lib/config/load-environment-config';
import type { ProviderResource } from '../../shared/src/metrics-contract';
import type { ScalingPolicy } from './autoscaling-simulator';
import { isRegionName, type RegionName } from './price-catalog';

/**
 * The deployment shape the cost model prices, per environment.
 *
 * Every fact the CDK app deploys comes from lib/config/environments/<env>.ts, the same validated
 * object the stacks are built from: task size and architecture, the scaling policy, calls per
 * task, the FARGATE / FARGATE_SPOT mix, Redis node type and count, NAT gateways, AZs, provider
 * limits and the budget. lib/config is pure data + zod, so importing it keeps aws-cdk-lib out of
 * the cost-report Lambda bundle (test/cost-report/bundle.test.ts checks it).
 *
 * What stays here is what lib/config does not hold: the Atlas tier (Atlas is not deployed by the
 * CDK app), which TTS carries the load, the CloudWatch/Secrets Manager counts, the default
 * demand for `npm run cost`, and how AWS target tracking behaves (AWS_TARGET_TRACKING).
 */
export type EnvName = EnvironmentName;
export const ENV_NAMES: readonly EnvName[] = ENVIRONMENT_NAMES;

export type TaskArch = 'arm64' | 'x86_64';

/**
 * The ECS capacity provider strategy (lib/voice/voice-service.ts `capacityProviderStrategies`):
 * the first `onDemandBaseTasks` tasks run on FARGATE, every task above that is split between
 * FARGATE and FARGATE_SPOT in the ratio of the weights.
 */
export interface CapacityProviderMix {
  readonly onDemandBaseTasks: number;
  readonly onDemandWeight: number;
  readonly spotWeight: number;
}

export interface DeploymentProfile {
  readonly env: EnvName;
  readonly region: RegionName;
  readonly task: { readonly cpuVcpu: number; readonly memoryGb: number; readonly arch: TaskArch };
  readonly scaling: ScalingPolicy;
  /** How running tasks split between on-demand and Spot; see `spotTasks`. */
  readonly capacityProviders: CapacityProviderMix;
  readonly redis: { readonly nodeType: string; readonly nodeCount: number };
  readonly availabilityZones: number;
  readonly natGateways: number;
  /** MongoDB Atlas tier, or null when the environment uses a free/shared or no cluster. */
  readonly atlasTier: string | null;
  readonly providerLimits: Readonly<Record<ProviderResource, number>>;
  /** Which TTS provider carries the load (the other is the fallback). */
  readonly primaryTts: 'elevenlabs-tts' | 'deepgram-tts';
  /** Monthly budget for infrastructure + provider APIs (what EstimatedMonthlyCost measures). */
  readonly budgetUsd: number;
  readonly observability: {
    /** Custom metric streams (name × dimension values) the services publish. */
    readonly customMetrics: number;
    /** Our alarms plus the two each target-tracking policy creates. */
    readonly alarms: number;
    readonly dashboards: number;
  };
  readonly secrets: number;
  /** What `npm run cost` uses when no --peak / --profile is given. */
  readonly defaultPeakCalls: number;
  readonly defaultProfile: string;
}

/**
 * Expected Spot tasks among `tasks` running ones (fractional: the expectation of ECS's placement
 * by weight):
 *
 *   spot(N) = max(0, N − base) × spotWeight ÷ (onDemandWeight + spotWeight)
 *
 * The month's Spot share is Σ spot(N) over the month's task-minutes ÷ task-minutes, so it grows
 * with load: prod (base 2, weights 1:1) runs 0 % Spot at 2 tasks and 33 % at 6.
 */
export function spotTasks(tasks: number, mix: CapacityProviderMix): number {
  const weights = mix.onDemandWeight + mix.spotWeight;
  if (weights <= 0) return 0;
  return (Math.max(0, tasks - mix.onDemandBaseTasks) * mix.spotWeight) / weights;
}

/**
 * How AWS behaves, not what we configure: Application Auto Scaling's generated alarms fire after
 * 3 one-minute datapoints above the target and 15 below 90 % of it ([U] observed defaults, not a
 * contract); a Fargate ARM task needs ~120 s (image pull, start, health check) before the ALB
 * sends it calls; a task told to go keeps running (scale-in protection) until its calls end,
 * about one call length.
 */
export const AWS_TARGET_TRACKING = {
  metricPeriodS: 60,
  taskStartDelayS: 120,
  scaleOutEvaluationPeriods: 3,
  scaleInEvaluationPeriods: 15,
  scaleInThresholdRatio: 0.9,
  scaleInDrainS: 180,
} as const;

/** The facts only the cost model needs; lib/config does not hold them. */
type CostOnlyFacts = Pick<DeploymentProfile, 'atlasTier' | 'primaryTts' | 'observability' | 'secrets' | 'defaultPeakCalls' | 'defaultProfile'>;

// 16 alarms in lib/observability/service-alarms.ts + 2 from target tracking; 6 secrets in
// lib/data (4 provider/database keys, the stream-signing key, the Redis AUTH token).
// test/infra/cost-profile.test.ts checks both counts against the synthesized templates.
const OBSERVABILITY = { customMetrics: 25, alarms: 18, dashboards: 1 } as const;
const SECRETS = 6;

const COST_ONLY: Readonly<Record<EnvName, CostOnlyFacts>> = {
  dev: { atlasTier: null, primaryTts: 'elevenlabs-tts', observability: OBSERVABILITY, secrets: SECRETS, defaultPeakCalls: 2, defaultProfile: 'business-hours' },
  staging: { atlasTier: 'M10', primaryTts: 'elevenlabs-tts', observability: OBSERVABILITY, secrets: SECRETS, defaultPeakCalls: 10, defaultProfile: 'business-hours' },
  prod: { atlasTier: 'M10', primaryTts: 'elevenlabs-tts', observability: OBSERVABILITY, secrets: SECRETS, defaultPeakCalls: 100, defaultProfile: 'ecommerce' },
};

/** The profile the cost model prices for one validated environment config. */
export function deploymentProfileFromConfig(config: EnvironmentConfig): DeploymentProfile {
  if (!isRegionName(config.region)) {
    throw new Error(`no price catalog for ${config.name}'s region ${config.region}`);
  }
  const { voice, redis, providerLimits } = config;
  return {
    env: config.name,
    region: config.region,
    task: { cpuVcpu: voice.cpu / 1024, memoryGb: voice.memoryMiB / 1024, arch: voice.architecture === 'ARM64' ? 'arm64' : 'x86_64' },
    scaling: {
      targetCallsPerTask: voice.targetCallsPerTask,
      maxCallsPerTask: voice.maxCallsPerTask,
      minTasks: voice.minTasks,
      maxTasks: voice.maxTasks,
      scaleOutCooldownS: voice.scaleOutCooldownSec,
      scaleInCooldownS: voice.scaleInCooldownSec,
      ...AWS_TARGET_TRACKING,
    },
    capacityProviders: {
      onDemandBaseTasks: voice.fargateBaseTasks,
      onDemandWeight: voice.fargateWeight,
      spotWeight: voice.fargateSpotWeight,
    },
    // ElastiCache bills the primary and every replica.
    redis: { nodeType: redis.nodeType, nodeCount: 1 + redis.replicas },
    availabilityZones: config.availabilityZones.length,
    natGateways: config.natGateways,
    providerLimits: {
      'deepgram-stt': providerLimits.deepgramStt,
      'elevenlabs-tts': providerLimits.elevenlabsTts,
      'deepgram-tts': providerLimits.deepgramTts,
      'openai-llm': providerLimits.openaiLlm,
    },
    budgetUsd: config.budget.monthlyUsd,
    ...COST_ONLY[config.name],
  };
}

export function isEnvName(value: string): value is EnvName {
  return (ENV_NAMES as readonly string[]).includes(value);
}

export function deploymentProfile(env: string): DeploymentProfile {
  if (!isEnvName(env)) throw new Error(`unknown environment ${env}; known: ${ENV_NAMES.join(', ')}`);
  return deploymentProfileFromConfig(loadEnvironmentConfig(env));
}

export const DEPLOYMENT_PROFILES: Readonly<Record<EnvName, DeploymentProfile>> = {
  dev: deploymentProfile('dev'),
  staging: deploymentProfile('staging'),
  prod: deploymentProfile('prod'),
};
