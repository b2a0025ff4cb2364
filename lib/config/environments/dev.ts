import type { EnvironmentConfig } from '../environment-config';

/**
 * Dev: smallest footprint. All Spot, single-node Redis, one NAT gateway, and the only
 * environment allowed to serve plain HTTP (no certificate) for quick experiments.
 */
export const devConfig: EnvironmentConfig = {
  name: 'dev',
  account: '111111111111',
  region: 'ap-south-1',
  availabilityZones: ['ap-south-1a', 'ap-south-1b'],
  vpcCidr: '10.10.0.0/16',
  natGateways: 1,
  voice: {
    cpu: 512,
    memoryMiB: 1024,
    architecture: 'ARM64',
    minTasks: 1,
    maxTasks: 2,
    targetCallsPerTask: 10,
    maxCallsPerTask: 20,
    scaleOutCooldownSec: 300,
    scaleInCooldownSec: 600,
    fargateBaseTasks: 0,
    fargateWeight: 0,
    fargateSpotWeight: 1,
    stopTimeoutSec: 120,
    drainDeadlineSec: 110,
    metricsIntervalSec: 60,
    logRetentionDays: 7,
  },
  providerLimits: { deepgramStt: 5, elevenlabsTts: 2, deepgramTts: 5, openaiLlm: 10 },
  redis: { engine: 'redis', engineVersion: '7.1', nodeType: 'cache.t4g.micro', replicas: 0, multiAz: false },
  rateLimits: {
    callsPerMinute: 30,
    callsPerAgentPerMinute: 20,
    callsPerCallerPerMinute: 5,
    failMode: 'open',
    trustedCidrs: [],
  },
  loadBalancer: { idleTimeoutSec: 4000 },
  domain: {},
  atlas: {},
  alarms: {
    providerSlotsSaturatedRatio: 0.9,
    queueWaitP95Ms: 5000,
    turnLatencyP95Ms: 3000,
    http5xxPerMinute: 20,
    redisCpuPercent: 90,
    redisMemoryPercent: 90,
    lambdaErrorsPer5Min: 10,
  },
  // Infrastructure + provider APIs (EstimatedMonthlyCost): a month of business-hours use at a
  // 2-call peak is ~$1.1k, ~$100 of it infrastructure (npm run cost -- --env dev).
  budget: { monthlyUsd: 1_500 },
  retainData: false,
};
