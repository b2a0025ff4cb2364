import type { ProviderResource } from '../../shared/src/metrics-contract';
import type { ScalingPolicy } from './autoscaling-simulator';
import type { RegionName } from './price-catalog';

/**
 * The deployment shape the cost model prices, per environment.
 *
 * DUPLICATE BY DESIGN, TO BE UNIFIED: the CDK settings live in lib/config/ (written in parallel);
 * this service must not import from lib/. Keep these numbers equal to lib/config until both read
 * one shared module.
 *
 * Choices:
 *  - prod task 1 vCPU / 2 GB ARM64: the voice service is one Node.js event loop, so a second vCPU
 *    buys little; the plan measures ~3 % of a vCPU per call, i.e. 25 calls ≈ 75 % of one vCPU, and
 *    ~33 calls saturate it (maxCallsPerTask 32). Memory: the plan's 800 MB base + ~1 MB per call
 *    fits 1 GB; 2 GB leaves room for audio buffers and the TTS cache. ARM is ~20 % cheaper
 *    per vCPU-hour (Fargate list prices) and Node runs natively on it.
 *  - Scaling follows the plan: 25 calls per task, min 2, max 6, scale-out cooldown 300 s,
 *    scale-in 600 s.
 *  - prod Spot share 0: a Spot reclaim gives 2 minutes' warning while calls last up to 60 min;
 *    at 100 calls (4 tasks) Spot would save ~$50/month against ~$65k of API spend, not worth dropped calls.
 *    dev and staging run on Spot only.
 *  - prod Redis cache.m6g.large × 2 (primary + replica, multi-AZ), as in the plan; the load
 *    (slot leases, sessions, transcript streams) would fit cache.t4g.small × 2 for ~$170/month less.
 *  - Provider limits are the plan's (Deepgram pay-as-you-go 20 streams, ElevenLabs Creator 10,
 *    Deepgram TTS 100, OpenAI 50): configurable defaults, raise them with the provider plan.
 *  - Budget covers infrastructure + provider APIs per month (what EstimatedMonthlyCost publishes).
 */
export type EnvName = 'dev' | 'staging' | 'prod';
export const ENV_NAMES: readonly EnvName[] = ['dev', 'staging', 'prod'];

export type TaskArch = 'arm64' | 'x86_64';

export interface DeploymentProfile {
  readonly env: EnvName;
  readonly region: RegionName;
  readonly task: { readonly cpuVcpu: number; readonly memoryGb: number; readonly arch: TaskArch };
  readonly scaling: ScalingPolicy;
  /** Share of task-hours on Fargate Spot (0..1). */
  readonly spotShare: number;
  readonly redis: { readonly nodeType: string; readonly nodeCount: number };
  readonly availabilityZones: number;
  readonly natGateways: number;
  /** MongoDB Atlas tier, or null when the environment uses a free/shared or no cluster. */
  readonly atlasTier: string | null;
  readonly providerLimits: Readonly<Record<ProviderResource, number>>;
  /** Which TTS provider carries the load (the other is the fallback). */
  readonly primaryTts: 'elevenlabs-tts' | 'deepgram-tts';
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

const PLAN_PROVIDER_LIMITS: Readonly<Record<ProviderResource, number>> = {
  'deepgram-stt': 20,
  'elevenlabs-tts': 10,
  'deepgram-tts': 100,
  'openai-llm': 50,
};

const PLAN_SCALING: ScalingPolicy = {
  targetCallsPerTask: 25,
  maxCallsPerTask: 32,
  minTasks: 2,
  maxTasks: 6,
  scaleOutCooldownS: 300,
  scaleInCooldownS: 600,
  metricPeriodS: 60,
  // Fargate ARM task: image pull + start + health check before the ALB sends it calls.
  taskStartDelayS: 120,
  // Application Auto Scaling's generated alarms: high after 3 one-minute datapoints above the
  // target, low after 15 datapoints below 90 % of it ([U] observed defaults, not a contract).
  scaleOutEvaluationPeriods: 3,
  scaleInEvaluationPeriods: 15,
  scaleInThresholdRatio: 0.9,
  // A task told to go keeps running (scale-in protection) until its calls end: ~ one call length.
  scaleInDrainS: 180,
};

const OBSERVABILITY = { customMetrics: 25, alarms: 12, dashboards: 1 } as const;

export const DEPLOYMENT_PROFILES: Readonly<Record<EnvName, DeploymentProfile>> = {
  dev: {
    env: 'dev',
    region: 'ap-south-1',
    task: { cpuVcpu: 0.5, memoryGb: 1, arch: 'arm64' },
    scaling: { ...PLAN_SCALING, minTasks: 1, maxTasks: 2, maxCallsPerTask: 16 },
    spotShare: 1,
    redis: { nodeType: 'cache.t4g.micro', nodeCount: 1 },
    availabilityZones: 2,
    natGateways: 1,
    atlasTier: null,
    providerLimits: PLAN_PROVIDER_LIMITS,
    primaryTts: 'elevenlabs-tts',
    budgetUsd: 500,
    observability: { ...OBSERVABILITY, alarms: 6 },
    secrets: 6,
    defaultPeakCalls: 2,
    defaultProfile: 'business-hours',
  },
  staging: {
    env: 'staging',
    region: 'ap-south-1',
    task: { cpuVcpu: 1, memoryGb: 2, arch: 'arm64' },
    scaling: { ...PLAN_SCALING, minTasks: 1, maxTasks: 3 },
    spotShare: 1,
    redis: { nodeType: 'cache.t4g.small', nodeCount: 2 },
    availabilityZones: 2,
    natGateways: 1,
    atlasTier: 'M10',
    providerLimits: PLAN_PROVIDER_LIMITS,
    primaryTts: 'elevenlabs-tts',
    budgetUsd: 3_000,
    observability: OBSERVABILITY,
    secrets: 6,
    defaultPeakCalls: 10,
    defaultProfile: 'business-hours',
  },
  prod: {
    env: 'prod',
    region: 'ap-south-1',
    task: { cpuVcpu: 1, memoryGb: 2, arch: 'arm64' },
    scaling: PLAN_SCALING,
    spotShare: 0,
    redis: { nodeType: 'cache.m6g.large', nodeCount: 2 },
    availabilityZones: 2,
    natGateways: 2,
    atlasTier: 'M10',
    providerLimits: PLAN_PROVIDER_LIMITS,
    primaryTts: 'elevenlabs-tts',
    budgetUsd: 80_000,
    observability: OBSERVABILITY,
    secrets: 6,
    defaultPeakCalls: 100,
    defaultProfile: 'ecommerce',
  },
};

export function isEnvName(value: string): value is EnvName {
  return (ENV_NAMES as readonly string[]).includes(value);
}

export function deploymentProfile(env: string): DeploymentProfile {
  if (!isEnvName(env)) throw new Error(`unknown environment ${env}; known: ${ENV_NAMES.join(', ')}`);
  return DEPLOYMENT_PROFILES[env];
}
