import type { EnvironmentConfig } from '../environment-config';

/**
 * Staging: production's shape (HTTPS, multi-AZ Redis, the same scaling rules) at a smaller size,
 * mostly on Spot. Replace the account, certificate and domain with yours before deploying.
 */
export const stagingConfig: EnvironmentConfig = {
  name: 'staging',
  account: '222222222222',
  region: 'ap-south-1',
  availabilityZones: ['ap-south-1a', 'ap-south-1b'],
  vpcCidr: '10.20.0.0/16',
  natGateways: 1,
  voice: {
    cpu: 1024,
    memoryMiB: 2048,
    architecture: 'ARM64',
    minTasks: 2,
    maxTasks: 6,
    targetCallsPerTask: 25,
    maxCallsPerTask: 40,
    scaleOutCooldownSec: 300,
    scaleInCooldownSec: 600,
    fargateBaseTasks: 1,
    fargateWeight: 1,
    fargateSpotWeight: 3,
    stopTimeoutSec: 120,
    drainDeadlineSec: 110,
    metricsIntervalSec: 60,
    logRetentionDays: 30,
  },
  providerLimits: { deepgramStt: 20, elevenlabsTts: 10, deepgramTts: 20, openaiLlm: 50 },
  redis: { engine: 'redis', engineVersion: '7.1', nodeType: 'cache.t4g.small', replicas: 1, multiAz: true },
  rateLimits: {
    callsPerMinute: 120,
    callsPerAgentPerMinute: 60,
    callsPerCallerPerMinute: 5,
    failMode: 'open',
    trustedCidrs: [],
  },
  loadBalancer: { idleTimeoutSec: 4000 },
  domain: {
    name: 'voice-staging.example.com',
    certificateArn: 'arn:aws:acm:ap-south-1:222222222222:certificate/00000000-0000-0000-0000-000000000002',
  },
  atlas: {},
  alarms: {
    providerSlotsSaturatedRatio: 0.9,
    queueWaitP95Ms: 3000,
    turnLatencyP95Ms: 2000,
    http5xxPerMinute: 10,
    redisCpuPercent: 80,
    redisMemoryPercent: 85,
    lambdaErrorsPer5Min: 5,
  },
  // Infrastructure + provider APIs (EstimatedMonthlyCost): a month of business-hours testing at
  // a 10-call peak is ~$5.4k, ~$250 of it infrastructure (npm run cost -- --env staging).
  budget: { monthlyUsd: 6_000 },
  retainData: false,
};
