import { devConfig } from '../../lib/config/environments/dev';
import { prodConfig } from '../../lib/config/environments/prod';
import { stagingConfig } from '../../lib/config/environments/staging';
import type { EnvironmentConfig } from '../../lib/config/environment-config';
import { DEFAULT_CALL_ASSUMPTIONS } from '../../services/cost-report/src/call-assumptions';
import { builtInDay } from '../../services/cost-report/src/demand-profiles';
import {
  DEPLOYMENT_PROFILES,
  deploymentProfile,
  deploymentProfileFromConfig,
  spotTasks,
} from '../../services/cost-report/src/deployment-profiles';
import { estimateMonth } from '../../services/cost-report/src/estimate';
import { PRICE_CATALOG } from '../../services/cost-report/src/price-catalog';

describe('deployment profiles come from lib/config', () => {
  it.each([devConfig, stagingConfig, prodConfig])('$name: every deployed fact equals the CDK config', (config) => {
    const p = DEPLOYMENT_PROFILES[config.name];
    expect(p).toMatchObject({
      env: config.name,
      region: config.region,
      task: { cpuVcpu: config.voice.cpu / 1024, memoryGb: config.voice.memoryMiB / 1024, arch: config.voice.architecture === 'ARM64' ? 'arm64' : 'x86_64' },
      scaling: {
        targetCallsPerTask: config.voice.targetCallsPerTask,
        maxCallsPerTask: config.voice.maxCallsPerTask,
        minTasks: config.voice.minTasks,
        maxTasks: config.voice.maxTasks,
        scaleOutCooldownS: config.voice.scaleOutCooldownSec,
        scaleInCooldownS: config.voice.scaleInCooldownSec,
      },
      capacityProviders: {
        onDemandBaseTasks: config.voice.fargateBaseTasks,
        onDemandWeight: config.voice.fargateWeight,
        spotWeight: config.voice.fargateSpotWeight,
      },
      redis: { nodeType: config.redis.nodeType, nodeCount: 1 + config.redis.replicas },
      availabilityZones: config.availabilityZones.length,
      natGateways: config.natGateways,
      providerLimits: {
        'deepgram-stt': config.providerLimits.deepgramStt,
        'elevenlabs-tts': config.providerLimits.elevenlabsTts,
        'deepgram-tts': config.providerLimits.deepgramTts,
        'openai-llm': config.providerLimits.openaiLlm,
      },
      budgetUsd: config.budget.monthlyUsd,
    });
    expect(deploymentProfile(config.name)).toEqual(p);
  });

  it('follows a config change (derived, not copied)', () => {
    const changed: EnvironmentConfig = structuredClone(prodConfig);
    changed.natGateways = 1;
    changed.voice.maxCallsPerTask = 33;
    changed.redis.replicas = 2;
    changed.budget.monthlyUsd = 12_345;
    const p = deploymentProfileFromConfig(changed);
    expect(p).toMatchObject({ natGateways: 1, redis: { nodeCount: 3 }, budgetUsd: 12_345 });
    expect(p.scaling.maxCallsPerTask).toBe(33);
  });

  it('refuses a region without a price catalog', () => {
    const elsewhere: EnvironmentConfig = { ...prodConfig, region: 'eu-west-1', availabilityZones: ['eu-west-1a', 'eu-west-1b'] };
    expect(() => deploymentProfileFromConfig(elsewhere)).toThrow(/no price catalog for prod's region eu-west-1/);
  });

  it('rejects an unknown environment', () => {
    expect(() => deploymentProfile('qa')).toThrow(/unknown environment qa/);
  });
});

describe('Spot share from the capacity provider strategy', () => {
  it('puts the base on FARGATE and splits the rest by weight', () => {
    const prod = { onDemandBaseTasks: 2, onDemandWeight: 1, spotWeight: 1 };
    expect([0, 1, 2, 3, 4, 6].map((n) => spotTasks(n, prod))).toEqual([0, 0, 0, 0.5, 1, 2]);
    const staging = { onDemandBaseTasks: 1, onDemandWeight: 1, spotWeight: 3 };
    expect(spotTasks(2, staging)).toBeCloseTo(0.75, 12);
    expect(spotTasks(6, staging)).toBeCloseTo(3.75, 12);
    expect(spotTasks(2, { onDemandBaseTasks: 0, onDemandWeight: 0, spotWeight: 1 })).toBe(2);
    expect(spotTasks(5, { onDemandBaseTasks: 2, onDemandWeight: 1, spotWeight: 0 })).toBe(0);
  });

  it('prices a simulated prod month with the Spot task-hours the strategy implies', () => {
    // 100 calls 24/7 at 25 per task: 4 tasks all month; with prod's base 2 and weights 1:1,
    // (4 − 2) × ½ = 1 of them on Spot.
    const e = estimateMonth({
      deployment: DEPLOYMENT_PROFILES.prod,
      prices: PRICE_CATALOG['ap-south-1'],
      dayDemand: builtInDay('flat', 100),
      days: 30,
      assumptions: DEFAULT_CALL_ASSUMPTIONS,
    });
    expect(e.simulation.taskHours).toBe(4 * 720);
    expect(e.usage.spotTaskHours).toBeCloseTo(spotTasks(4, DEPLOYMENT_PROFILES.prod.capacityProviders) * 720, 9);
    const vcpu = (kind: string): number => e.cost.lines.find((l) => l.item.includes(`vCPU-hours (${kind})`))?.quantity ?? 0;
    const spot = spotTasks(4, DEPLOYMENT_PROFILES.prod.capacityProviders);
    expect(spot).toBeGreaterThan(0);
    expect(vcpu('Spot')).toBeCloseTo(spot * 720 * DEPLOYMENT_PROFILES.prod.task.cpuVcpu, 9);
    expect(vcpu('on-demand')).toBeCloseTo((4 - spot) * 720 * DEPLOYMENT_PROFILES.prod.task.cpuVcpu, 9);
  });
});
