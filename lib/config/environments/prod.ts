import type { EnvironmentConfig } from '../environment-config';

/**
 * Production: the plan's autoscaling defaults (25 calls per task, 2-6 tasks, 300 s out / 600 s in),
 * an on-demand base with Spot on top, multi-AZ Redis, three NAT gateways.
 * Replace the account, certificate and domain with yours before deploying.
 */
export const prodConfig: EnvironmentConfig = {
  name: 'prod',
  account: '333333333333',
  region: 'ap-south-1',
  availabilityZones: ['ap-south-1a', 'ap-south-1b', 'ap-south-1c'],
  vpcCidr: '10.30.0.0/16',
  natGateways: 3,
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
    fargateBaseTasks: 2,
    fargateWeight: 1,
    fargateSpotWeight: 1,
    stopTimeoutSec: 120,
    drainDeadlineSec: 110,
    metricsIntervalSec: 60,
    logRetentionDays: 90,
  },
  providerLimits: { deepgramStt: 150, elevenlabsTts: 15, deepgramTts: 45, openaiLlm: 150 },
  redis: { engine: 'redis', engineVersion: '7.1', nodeType: 'cache.m6g.large', replicas: 1, multiAz: true },
  rateLimits: {
    callsPerMinute: 600,
    callsPerAgentPerMinute: 200,
    callsPerCallerPerMinute: 5,
    failMode: 'open',
    trustedCidrs: [],
  },
  loadBalancer: { idleTimeoutSec: 4000 },
  domain: {
    name: 'voice.example.com',
    certificateArn: 'arn:aws:acm:ap-south-1:333333333333:certificate/00000000-0000-0000-0000-000000000003',
  },
  atlas: {},
  alarms: {
    providerSlotsSaturatedRatio: 0.9,
    queueWaitP95Ms: 2000,
    turnLatencyP95Ms: 1500,
    http5xxPerMinute: 10,
    redisCpuPercent: 75,
    redisMemoryPercent: 80,
    lambdaErrorsPer5Min: 5,
  },
  // Infrastructure + provider APIs (EstimatedMonthlyCost). APIs are ~98 % of it: the plan's
  // heaviest load, 100 calls 12 h/day, is ~$65.9k (npm run cost -- --profile operating-12h
  // --peak 100); the default e-commerce day at a 100-call peak ~$46.4k. $80k leaves ~20 %.
  budget: { monthlyUsd: 80_000 },
  retainData: true,
};
