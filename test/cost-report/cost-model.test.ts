import { lcuForHour, priceMonth, type MonthCost } from '../../services/cost-report/src/cost-model';
import { AWS_TARGET_TRACKING, type DeploymentProfile } from '../../services/cost-report/src/deployment-profiles';
import { BYTES_PER_GB, type AlbHour, type MonthUsage } from '../../services/cost-report/src/month-usage';
import { PRICE_CATALOG, type RegionPrices, type SourcedPrice } from '../../services/cost-report/src/price-catalog';

const GB = BYTES_PER_GB;
const hours = 720; // 30 days

/**
 * Fixed shapes for hand-worked arithmetic (the live ones follow lib/config and would move these
 * sums with every config change): 1 vCPU / 2 GB ARM, 2 AZs, 2 NAT gateways, Redis m6g.large × 2,
 * Atlas M10, 12 alarms, all on-demand.
 */
const PROD_SHAPE: DeploymentProfile = {
  env: 'prod',
  region: 'ap-south-1',
  task: { cpuVcpu: 1, memoryGb: 2, arch: 'arm64' },
  scaling: { targetCallsPerTask: 25, maxCallsPerTask: 32, minTasks: 2, maxTasks: 6, scaleOutCooldownS: 300, scaleInCooldownS: 600, ...AWS_TARGET_TRACKING },
  capacityProviders: { onDemandBaseTasks: 2, onDemandWeight: 1, spotWeight: 0 },
  redis: { nodeType: 'cache.m6g.large', nodeCount: 2 },
  availabilityZones: 2,
  natGateways: 2,
  atlasTier: 'M10',
  providerLimits: { 'deepgram-stt': 20, 'elevenlabs-tts': 10, 'deepgram-tts': 100, 'openai-llm': 50 },
  primaryTts: 'elevenlabs-tts',
  budgetUsd: 80_000,
  observability: { customMetrics: 25, alarms: 12, dashboards: 1 },
  secrets: 6,
  defaultPeakCalls: 100,
  defaultProfile: 'ecommerce',
};
const DEV_SHAPE: DeploymentProfile = {
  ...PROD_SHAPE,
  env: 'dev',
  task: { cpuVcpu: 0.5, memoryGb: 1, arch: 'arm64' },
  capacityProviders: { onDemandBaseTasks: 0, onDemandWeight: 0, spotWeight: 1 },
  redis: { nodeType: 'cache.t4g.micro', nodeCount: 1 },
  natGateways: 1,
  atlasTier: null,
  observability: { customMetrics: 25, alarms: 6, dashboards: 1 },
};

function albHours(h: AlbHour): AlbHour[] {
  return new Array<AlbHour>(hours).fill(h);
}

function usage(overrides: Partial<MonthUsage>): MonthUsage {
  return {
    hours,
    taskHours: 0,
    spotTaskHours: 0,
    taskLaunches: 0,
    calls: 0,
    callMinutes: 0,
    albHourly: albHours({ newConnections: 0, activeConnections: 0, processedBytes: 0, ruleEvaluations: 0 }),
    natProcessedBytes: 0,
    internetOutBytes: 0,
    webhookInvocations: 0,
    webhookGbSeconds: 0,
    costReportInvocations: 0,
    dynamoWriteUnits: 0,
    dynamoReadUnits: 0,
    putMetricDataRequests: 0,
    getMetricDataMetrics: 0,
    logBytes: 0,
    secretsApiCalls: 0,
    sttMinutes: 0,
    ttsCharacters: 0,
    llmInputTokens: 0,
    llmOutputTokens: 0,
    ...overrides,
  };
}

function byService(cost: MonthCost): Record<string, number> {
  const out: Record<string, number> = {};
  for (const l of cost.lines) out[l.service] = (out[l.service] ?? 0) + l.usd;
  return out;
}

describe('ALB LCUs', () => {
  it('bills each hour at the highest of its four dimensions', () => {
    // 90,000 new connections/h = 25/s = 1 LCU; 6,000 active = 2 LCU; 1.5 GB = 1.5 LCU; rules 0.
    expect(lcuForHour({ newConnections: 90_000, activeConnections: 6000, processedBytes: 1.5 * GB, ruleEvaluations: 0 })).toBeCloseTo(2, 10);
    expect(lcuForHour({ newConnections: 0, activeConnections: 0, processedBytes: 3 * GB, ruleEvaluations: 0 })).toBeCloseTo(3, 10);
    // 7.2 M rule evaluations/h = 2,000/s = 2 LCU.
    expect(lcuForHour({ newConnections: 0, activeConnections: 0, processedBytes: 0, ruleEvaluations: 7_200_000 })).toBeCloseTo(2, 10);
  });
});

describe('a hand-computed month', () => {
  it('prod shape, us-east-1, ARM on-demand, plan API rates', () => {
    const deployment: DeploymentProfile = { ...PROD_SHAPE, region: 'us-east-1' };
    const cost = priceMonth(
      usage({
        taskHours: 2880, // 4 tasks all month
        calls: 333_333,
        callMinutes: 1_000_000,
        // 90,000 new connections/h (1 LCU) and 2 GB/h processed (2 LCU): 2 LCU every hour.
        albHourly: albHours({ newConnections: 90_000, activeConnections: 0, processedBytes: 2 * GB, ruleEvaluations: 0 }),
        natProcessedBytes: 100 * GB,
        internetOutBytes: 600 * GB,
        webhookInvocations: 1_000_000,
        webhookGbSeconds: 10_000,
        costReportInvocations: 31,
        dynamoWriteUnits: 1_000_000,
        putMetricDataRequests: 172_800,
        getMetricDataMetrics: 100,
        logBytes: 10 * GB,
        sttMinutes: 1_000_000,
      }),
      deployment,
      PRICE_CATALOG['us-east-1'],
    );
    const s = byService(cost);
    expect(s['Fargate']).toBeCloseTo(2880 * 1 * 0.03238 + 2880 * 2 * 0.00356, 6); // 93.2544 + 20.5056
    expect(s['ALB']).toBeCloseTo(720 * 0.0225 + 720 * 2 * 0.008, 6); // 16.20 + 11.52
    expect(s['VPC']).toBeCloseTo((2 + 2) * 720 * 0.005, 6); // 2 ALB IPs + 2 NAT EIPs = 14.40
    expect(s['NAT gateway']).toBeCloseTo(2 * 720 * 0.045 + 100 * 0.045, 6); // 64.80 + 4.50
    expect(s['Data transfer']).toBeCloseTo((600 - 100) * 0.09, 6); // 45.00
    expect(s['ElastiCache']).toBeCloseTo(2 * 720 * 0.149, 6); // 214.56
    expect(s['DynamoDB']).toBeCloseTo(1 * 0.625, 6);
    expect(s['Lambda']).toBeCloseTo(((1_000_000 + 31) / 1e6) * 0.2 + (10_000 + 31 * 0.5 * 10) * 0.0000133334, 6);
    expect(s['CloudWatch']).toBeCloseTo(25 * 0.3 + 12 * 0.1 + 0 * 3 + ((172_800 + 100) / 1000) * 0.01 + 10 * 0.5, 6);
    expect(s['Secrets Manager']).toBeCloseTo(6 * 0.4, 6);
    expect(s['MongoDB Atlas']).toBeCloseTo(720 * 0.08, 6);
    expect(cost.monthlyApiUsd).toBeCloseTo(1_000_000 * (0.012 + 0.003 + 0.015), 6); // $30 per 1,000 minutes
    const infra =
      93.2544 + 20.5056 + 16.2 + 11.52 + 14.4 + 64.8 + 4.5 + 45 + 214.56 + 0.625 +
      (1_000_031 / 1e6) * 0.2 + 10_155 * 0.0000133334 + 7.5 + 1.2 + 1.729 + 5 + 2.4 + 57.6;
    expect(cost.monthlyInfraUsd).toBeCloseTo(infra, 6);
    expect(cost.perMinuteUsd).toBeCloseTo((infra + 30_000) / 1_000_000, 9);
    expect(cost.perCallUsd).toBeCloseTo((infra + 30_000) / 333_333, 9);
  });

  it('dev shape, us-east-1, x86 all on Spot, no Atlas, one NAT, free data-transfer tier not exceeded', () => {
    const deployment: DeploymentProfile = {
      ...DEV_SHAPE,
      region: 'us-east-1',
      task: { cpuVcpu: 0.5, memoryGb: 1, arch: 'x86_64' },
    };
    const cost = priceMonth(
      usage({
        taskHours: 720,
        spotTaskHours: 720,
        // 6,000 active connections = 2 LCU, the highest dimension.
        albHourly: albHours({ newConnections: 0, activeConnections: 6000, processedBytes: 0.1 * GB, ruleEvaluations: 0 }),
        internetOutBytes: 80 * GB,
        callMinutes: 1000,
        calls: 500,
        sttMinutes: 1000,
      }),
      deployment,
      PRICE_CATALOG['us-east-1'],
    );
    const s = byService(cost);
    expect(s['Fargate']).toBeCloseTo(720 * 0.5 * 0.04048 * 0.4 + 720 * 1 * 0.004445 * 0.4, 6); // 5.82912 + 1.28016
    expect(s['ALB']).toBeCloseTo(720 * 0.0225 + 720 * 2 * 0.008, 6);
    expect(s['VPC']).toBeCloseTo((2 + 1) * 720 * 0.005, 6);
    expect(s['NAT gateway']).toBeCloseTo(1 * 720 * 0.045, 6);
    expect(s['Data transfer']).toBe(0); // 80 GB < 100 GB free
    expect(s['ElastiCache']).toBeCloseTo(720 * 0.016, 6);
    expect(s['CloudWatch']).toBeCloseTo(25 * 0.3 + 6 * 0.1, 6);
    expect(s['MongoDB Atlas']).toBeUndefined();
    expect(cost.monthlyApiUsd).toBeCloseTo(1000 * 0.03, 9);
    expect(cost.perMinuteUsd).toBeCloseTo(cost.totalMonthlyUsd / 1000, 9);
  });

  it('ap-south-1, ARM half on Spot, LLM priced per token and TTS per character', () => {
    const base = PRICE_CATALOG['ap-south-1'];
    const fixture = (usd: number, unit: string): SourcedPrice => ({ usd, unit, source: 'test fixture price', asOf: '2026-11-25', dateKind: 'retrieved', confidence: 'assumed' });
    const prices: RegionPrices = {
      ...base,
      providers: {
        sttPerAudioMinute: base.providers.sttPerAudioMinute,
        llm: { basis: 'llmTokens', inputPerMillion: fixture(0.15, 'million input tokens'), outputPerMillion: fixture(0.6, 'million output tokens') },
        tts: { basis: 'ttsCharacters', perThousandChars: fixture(0.03, '1,000 characters') },
      },
    };
    const deployment = PROD_SHAPE;
    const cost = priceMonth(
      usage({
        taskHours: 1000,
        spotTaskHours: 500,
        internetOutBytes: 1100 * GB,
        natProcessedBytes: 200 * GB,
        callMinutes: 10_000,
        sttMinutes: 10_000,
        llmInputTokens: 60_000_000,
        llmOutputTokens: 1_600_000,
        ttsCharacters: 4_050_000,
      }),
      deployment,
      prices,
    );
    const s = byService(cost);
    const armHour = 1 * 0.02383 + 2 * 0.00261; // 0.02905 per task-hour
    expect(s['Fargate']).toBeCloseTo(500 * armHour + 500 * armHour * 0.4, 6); // 14.525 + 5.81
    expect(s['NAT gateway']).toBeCloseTo(2 * 720 * 0.056 + 200 * 0.056, 6);
    expect(s['Data transfer']).toBeCloseTo((1100 - 100) * 0.1093, 6);
    expect(s['ALB']).toBeCloseTo(720 * 0.0239, 6); // no load: no LCUs
    expect(s['STT']).toBeCloseTo(10_000 * 0.012, 6);
    expect(s['LLM']).toBeCloseTo(60 * 0.15 + 1.6 * 0.6, 6); // 9.00 + 0.96
    expect(s['TTS']).toBeCloseTo(4050 * 0.03, 6); // 121.50
    expect(cost.monthlyApiUsd).toBeCloseTo(120 + 9.96 + 121.5, 6);
  });

  it('refuses a Redis node type it has no price for', () => {
    const deployment: DeploymentProfile = { ...PROD_SHAPE, redis: { nodeType: 'cache.r7g.xlarge', nodeCount: 2 } };
    expect(() => priceMonth(usage({}), deployment, PRICE_CATALOG['us-east-1'])).toThrow(/no ElastiCache price for cache.r7g.xlarge/);
  });
});
