import { z } from 'zod';
import { logRetentionDaysSchema } from './log-retention';

/**
 * The typed, validated settings of one deployment environment. Every knob the stacks use lives
 * here; constructs receive slices of it as props and never read context or env vars themselves.
 *
 * Pure data and zod only (no aws-cdk-lib): the cost report (services/cost-report) imports these
 * files to price exactly what the stacks deploy, and its Lambda bundle must stay small.
 */
export const ENVIRONMENT_NAMES = ['dev', 'staging', 'prod'] as const;
export type EnvironmentName = (typeof ENVIRONMENT_NAMES)[number];

const positiveInt = z.number().int().positive();
const nonNegativeInt = z.number().int().nonnegative();

const voiceServiceSchema = z
  .object({
    /** Fargate task size (vCPU units, 1024 = 1 vCPU) and memory. */
    cpu: z.union([z.literal(256), z.literal(512), z.literal(1024), z.literal(2048), z.literal(4096)]),
    memoryMiB: positiveInt,
    architecture: z.enum(['ARM64', 'X86_64']),
    minTasks: positiveInt,
    maxTasks: positiveInt,
    /** Autoscaling target: average ActiveCalls per task. */
    targetCallsPerTask: positiveInt,
    /** Hard cap a task enforces before refusing calls (MAX_CALLS_PER_TASK). */
    maxCallsPerTask: positiveInt,
    scaleOutCooldownSec: nonNegativeInt,
    scaleInCooldownSec: nonNegativeInt,
    /** Capacity provider strategy: `fargateBaseTasks` always on FARGATE, the rest split by weight. */
    fargateBaseTasks: nonNegativeInt,
    fargateWeight: nonNegativeInt,
    fargateSpotWeight: nonNegativeInt,
    /** Fargate allows at most 120 s between SIGTERM and SIGKILL. */
    stopTimeoutSec: z.number().int().min(2).max(120),
    /** How long a task keeps serving calls after SIGTERM; the ALB deregistration delay matches it. */
    drainDeadlineSec: positiveInt,
    metricsIntervalSec: z.number().int().min(1).max(60),
    /** Days; one of CloudWatch Logs' allowed values (1, 3, 5, 7, 14, 30, 60, 90, ...). */
    logRetentionDays: logRetentionDaysSchema,
  })
  .strict();

const providerLimitsSchema = z
  .object({
    deepgramStt: positiveInt,
    elevenlabsTts: positiveInt,
    deepgramTts: positiveInt,
    openaiLlm: positiveInt,
  })
  .strict();

const redisSchema = z
  .object({
    engine: z.enum(['redis', 'valkey']),
    engineVersion: z.string().min(1),
    nodeType: z.string().regex(/^cache\.[a-z0-9]+\.[a-z0-9]+$/),
    /** Read replicas in addition to the primary (0-5). */
    replicas: z.number().int().min(0).max(5),
    /** Multi-AZ with automatic failover; needs at least one replica. */
    multiAz: z.boolean(),
  })
  .strict();

const rateLimitsSchema = z
  .object({
    callsPerMinute: positiveInt,
    callsPerAgentPerMinute: positiveInt,
    callsPerCallerPerMinute: positiveInt,
    failMode: z.enum(['open', 'closed']),
    /** Exotel's egress ranges allowed to call the webhook; empty = no IP restriction. */
    trustedCidrs: z.array(z.string().regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/)),
  })
  .strict();

const alarmsSchema = z
  .object({
    /** Fraction of a provider's slot limit in use that counts as saturated. */
    providerSlotsSaturatedRatio: z.number().gt(0).max(1),
    queueWaitP95Ms: positiveInt,
    turnLatencyP95Ms: positiveInt,
    http5xxPerMinute: positiveInt,
    redisCpuPercent: z.number().gt(0).max(100),
    redisMemoryPercent: z.number().gt(0).max(100),
    lambdaErrorsPer5Min: positiveInt,
    /** Optional e-mail subscription on the alarm topic. */
    email: z.string().email().optional(),
  })
  .strict();

export const environmentConfigSchema = z
  .object({
    name: z.enum(ENVIRONMENT_NAMES),
    account: z.string().regex(/^\d{12}$/, 'account must be a 12-digit AWS account id'),
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/),
    availabilityZones: z.array(z.string()).min(2).max(3),
    vpcCidr: z.string().regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/),
    natGateways: z.number().int().min(1).max(3),
    voice: voiceServiceSchema,
    providerLimits: providerLimitsSchema,
    redis: redisSchema,
    rateLimits: rateLimitsSchema,
    loadBalancer: z
      .object({
        /** ALB idle timeout; WebSocket pings from the service stay well below it. 1-4000 s. */
        idleTimeoutSec: z.number().int().min(1).max(4000),
      })
      .strict(),
    domain: z
      .object({
        /** Public name Exotel dials (a CNAME to the ALB); the ALB DNS name is used when absent. */
        name: z.string().min(1).optional(),
        /** ACM certificate for the HTTPS listener. Required outside dev. */
        certificateArn: z.string().startsWith('arn:aws:acm:').optional(),
      })
      .strict(),
    atlas: z
      .object({
        /** Atlas PrivateLink endpoint service name; absent = reach Atlas over NAT (fixed EIPs). */
        privateLinkServiceName: z.string().startsWith('com.amazonaws.vpce.').optional(),
      })
      .strict(),
    alarms: alarmsSchema,
    budget: z
      .object({
        /**
         * Whole monthly spend: infrastructure AND provider APIs (Deepgram, OpenAI, ElevenLabs),
         * which is what the cost-report Lambda publishes as EstimatedMonthlyCost and what the
         * Budget alarm compares with this figure.
         */
        monthlyUsd: z.number().positive(),
      })
      .strict(),
    /** Keep data (table, secrets, buckets, EIPs) when a stack is deleted. */
    retainData: z.boolean(),
  })
  .strict()
  .superRefine((config, ctx) => {
    const problem = (message: string, path: (string | number)[]): void =>
      ctx.addIssue({ code: z.ZodIssueCode.custom, message, path });
    const { voice, redis } = config;

    for (const [index, zone] of config.availabilityZones.entries()) {
      if (!zone.startsWith(config.region)) {
        problem(`AZ ${zone} is not in region ${config.region}`, ['availabilityZones', index]);
      }
    }
    if (config.natGateways > config.availabilityZones.length) {
      problem('natGateways cannot exceed the number of AZs', ['natGateways']);
    }
    if (voice.maxTasks < voice.minTasks) problem('maxTasks must be >= minTasks', ['voice', 'maxTasks']);
    if (voice.targetCallsPerTask > voice.maxCallsPerTask) {
      problem('targetCallsPerTask must not exceed maxCallsPerTask', ['voice', 'targetCallsPerTask']);
    }
    if (voice.drainDeadlineSec >= voice.stopTimeoutSec) {
      problem('drainDeadlineSec must be below stopTimeoutSec (SIGKILL follows it)', ['voice', 'drainDeadlineSec']);
    }
    if (voice.fargateWeight + voice.fargateSpotWeight === 0) {
      problem('at least one of fargateWeight / fargateSpotWeight must be > 0', ['voice', 'fargateWeight']);
    }
    if (!isValidFargateSize(voice.cpu, voice.memoryMiB)) {
      problem(`memoryMiB ${voice.memoryMiB} is not a valid Fargate size for cpu ${voice.cpu}`, ['voice', 'memoryMiB']);
    }
    if (redis.multiAz && redis.replicas < 1) {
      problem('redis.multiAz needs at least one replica', ['redis', 'replicas']);
    }
    if (config.name !== 'dev') {
      if (config.domain.certificateArn === undefined) {
        problem('an HTTPS certificate is required outside dev', ['domain', 'certificateArn']);
      }
      if (!redis.multiAz) problem('Redis must be multi-AZ outside dev', ['redis', 'multiAz']);
    }
  });

export type EnvironmentConfig = z.infer<typeof environmentConfigSchema>;
export type VoiceServiceConfig = EnvironmentConfig['voice'];
export type ProviderLimitsConfig = EnvironmentConfig['providerLimits'];
export type RedisConfig = EnvironmentConfig['redis'];
export type RateLimitsConfig = EnvironmentConfig['rateLimits'];
export type AlarmsConfig = EnvironmentConfig['alarms'];

/** Fargate CPU/memory combinations: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html */
function isValidFargateSize(cpu: number, memoryMiB: number): boolean {
  const range = (fromMiB: number, toMiB: number): boolean =>
    memoryMiB >= fromMiB && memoryMiB <= toMiB && memoryMiB % 1024 === 0;
  switch (cpu) {
    case 256:
      return [512, 1024, 2048].includes(memoryMiB);
    case 512:
      return range(1024, 4096);
    case 1024:
      return range(2048, 8192);
    case 2048:
      return range(4096, 16384);
    case 4096:
      return range(8192, 30720);
    default:
      return false;
  }
}
