import type { DeploymentProfile } from './deployment-profiles';
import { BYTES_PER_GB, type AlbHour, type MonthUsage } from './month-usage';
import type { RegionPrices, SourcedPrice, UsagePrice } from './price-catalog';

/**
 * Prices one month of a deployment. Pure: no AWS calls, no clock. Every line names its quantity,
 * unit price and the price's source, so a reader can redo the arithmetic.
 */
export type CostGroup = 'infra' | 'api';

export interface CostLine {
  readonly group: CostGroup;
  readonly service: string;
  readonly item: string;
  readonly quantity: number;
  readonly unit: string;
  readonly unitUsd: number;
  readonly usd: number;
  readonly source: string;
}

export interface MonthCost {
  readonly lines: readonly CostLine[];
  readonly monthlyInfraUsd: number;
  readonly monthlyApiUsd: number;
  readonly totalMonthlyUsd: number;
  readonly perCallUsd: number;
  readonly perMinuteUsd: number;
  readonly albLcuHours: number;
}

/** ALB LCU dimensions (research/aws-cdk.md §4; handbook.vantage.sh/aws/services/elb-pricing). */
export const LCU_NEW_CONNECTIONS_PER_SECOND = 25;
export const LCU_ACTIVE_CONNECTIONS_PER_MINUTE = 3000;
export const LCU_PROCESSED_GB_PER_HOUR = 1;
export const LCU_RULE_EVALUATIONS_PER_SECOND = 1000;

/** LCUs consumed in one hour: the highest of the four dimensions. */
export function lcuForHour(h: AlbHour): number {
  return Math.max(
    h.newConnections / 3600 / LCU_NEW_CONNECTIONS_PER_SECOND,
    h.activeConnections / LCU_ACTIVE_CONNECTIONS_PER_MINUTE,
    h.processedBytes / BYTES_PER_GB / LCU_PROCESSED_GB_PER_HOUR,
    h.ruleEvaluations / 3600 / LCU_RULE_EVALUATIONS_PER_SECOND,
  );
}

/** The cost-report Lambda: ARM, 512 MB, ~10 s per run. */
const COST_REPORT_LAMBDA = { memoryGb: 0.5, seconds: 10 };

export function priceMonth(usage: MonthUsage, deployment: DeploymentProfile, prices: RegionPrices): MonthCost {
  const lines: CostLine[] = [];
  const add = (group: CostGroup, service: string, item: string, quantity: number, price: SourcedPrice, divisor = 1): void => {
    const unitUsd = price.usd / divisor;
    lines.push({ group, service, item, quantity, unit: divisor === 1 ? price.unit : `${price.unit} ÷ ${divisor}`, unitUsd, usd: quantity * unitUsd, source: `${price.source} (${price.asOf})` });
  };

  // Fargate: vCPU and GB hours, on-demand and Spot.
  const f = prices.fargate;
  const arm = deployment.task.arch === 'arm64';
  const vcpuPrice = arm ? f.armVcpuHour : f.x86VcpuHour;
  const gbPrice = arm ? f.armGbHour : f.x86GbHour;
  const spotHours = Math.min(usage.spotTaskHours, usage.taskHours);
  const onDemandHours = usage.taskHours - spotHours;
  const archLabel = arm ? 'ARM64' : 'x86_64';
  if (onDemandHours > 0) {
    add('infra', 'Fargate', `${archLabel} vCPU-hours (on-demand)`, onDemandHours * deployment.task.cpuVcpu, vcpuPrice);
    add('infra', 'Fargate', `${archLabel} GB-hours (on-demand)`, onDemandHours * deployment.task.memoryGb, gbPrice);
  }
  if (spotHours > 0) {
    add('infra', 'Fargate', `${archLabel} vCPU-hours (Spot)`, spotHours * deployment.task.cpuVcpu, scaled(vcpuPrice, f.spotPriceRatio));
    add('infra', 'Fargate', `${archLabel} GB-hours (Spot)`, spotHours * deployment.task.memoryGb, scaled(gbPrice, f.spotPriceRatio));
  }

  // ALB: hours plus LCUs, each hour billed at its highest dimension.
  const albLcuHours = usage.albHourly.reduce((sum, h) => sum + lcuForHour(h), 0);
  add('infra', 'ALB', 'load balancer hours', usage.hours, prices.alb.hour);
  add('infra', 'ALB', 'LCU-hours (max of new/active connections, processed bytes, rule evaluations)', albLcuHours, prices.alb.lcuHour);

  // Public IPv4: one per AZ on the internet-facing ALB, one Elastic IP per NAT gateway.
  add('infra', 'VPC', 'public IPv4 address-hours (ALB per AZ + NAT EIPs)', (deployment.availabilityZones + deployment.natGateways) * usage.hours, prices.publicIpv4Hour);

  add('infra', 'NAT gateway', 'gateway-hours', deployment.natGateways * usage.hours, prices.nat.hour);
  add('infra', 'NAT gateway', 'GB processed (Deepgram, TTS, LLM traffic)', usage.natProcessedBytes / BYTES_PER_GB, prices.nat.gbProcessed);

  const outGb = usage.internetOutBytes / BYTES_PER_GB;
  add('infra', 'Data transfer', `GB out to the internet (after ${prices.dataTransferOut.freeGbPerMonth.usd} GB free)`, Math.max(0, outGb - prices.dataTransferOut.freeGbPerMonth.usd), prices.dataTransferOut.gb);

  const nodePrice = prices.elasticacheNodeHour[deployment.redis.nodeType];
  if (nodePrice === undefined) {
    throw new Error(`no ElastiCache price for ${deployment.redis.nodeType} in ${prices.region}; known: ${Object.keys(prices.elasticacheNodeHour).join(', ')}`);
  }
  add('infra', 'ElastiCache', `${deployment.redis.nodeType} node-hours × ${deployment.redis.nodeCount}`, deployment.redis.nodeCount * usage.hours, nodePrice);

  add('infra', 'DynamoDB', 'write request units (admission counters)', usage.dynamoWriteUnits, prices.dynamodb.millionWru, 1e6);
  add('infra', 'DynamoDB', 'read request units', usage.dynamoReadUnits, prices.dynamodb.millionRru, 1e6);

  const lambdaInvocations = usage.webhookInvocations + usage.costReportInvocations;
  add('infra', 'Lambda', 'requests (webhook + cost report)', lambdaInvocations, prices.lambda.millionRequests, 1e6);
  add('infra', 'Lambda', 'GB-seconds (arm64)', lambdaGbSeconds(usage), prices.lambda.armGbSecond);

  const cw = prices.cloudwatch;
  add('infra', 'CloudWatch', 'custom metrics', deployment.observability.customMetrics, cw.metricMonth);
  add('infra', 'CloudWatch', 'alarms', deployment.observability.alarms, cw.alarmMonth);
  add('infra', 'CloudWatch', `dashboards (after ${cw.freeDashboards.usd} free)`, Math.max(0, deployment.observability.dashboards - cw.freeDashboards.usd), cw.dashboardMonth);
  add('infra', 'CloudWatch', 'API requests (PutMetricData + GetMetricData metrics)', usage.putMetricDataRequests + usage.getMetricDataMetrics, cw.thousandApiRequests, 1000);
  add('infra', 'CloudWatch', 'log GB ingested', usage.logBytes / BYTES_PER_GB, cw.logsIngestGb);

  add('infra', 'Secrets Manager', 'secrets', deployment.secrets, prices.secretsManager.secretMonth);
  add('infra', 'Secrets Manager', 'API calls (task starts)', usage.secretsApiCalls, prices.secretsManager.tenThousandApiCalls, 10_000);

  if (deployment.atlasTier !== null) {
    const atlas = prices.atlasClusterHour[deployment.atlasTier];
    if (atlas === undefined) throw new Error(`no Atlas price for tier ${deployment.atlasTier}`);
    add('infra', 'MongoDB Atlas', `${deployment.atlasTier} cluster-hours`, usage.hours, atlas);
  }

  // Provider APIs.
  const p = prices.providers;
  add('api', 'STT', 'audio minutes streamed', usage.sttMinutes, p.sttPerAudioMinute);
  addUsage(add, 'LLM', p.llm, usage);
  addUsage(add, 'TTS', p.tts, usage);

  const monthlyInfraUsd = sum(lines.filter((l) => l.group === 'infra'));
  const monthlyApiUsd = sum(lines.filter((l) => l.group === 'api'));
  const totalMonthlyUsd = monthlyInfraUsd + monthlyApiUsd;
  return {
    lines,
    monthlyInfraUsd,
    monthlyApiUsd,
    totalMonthlyUsd,
    perCallUsd: usage.calls > 0 ? totalMonthlyUsd / usage.calls : 0,
    perMinuteUsd: usage.callMinutes > 0 ? totalMonthlyUsd / usage.callMinutes : 0,
    albLcuHours,
  };
}

type Add = (group: CostGroup, service: string, item: string, quantity: number, price: SourcedPrice, divisor?: number) => void;

function addUsage(add: Add, service: 'LLM' | 'TTS', price: UsagePrice, usage: MonthUsage): void {
  switch (price.basis) {
    case 'callMinute':
      add('api', service, 'call minutes (plan blended rate)', usage.callMinutes, price.price);
      return;
    case 'llmTokens':
      add('api', service, 'input tokens', usage.llmInputTokens, price.inputPerMillion, 1e6);
      add('api', service, 'output tokens', usage.llmOutputTokens, price.outputPerMillion, 1e6);
      return;
    case 'ttsCharacters':
      add('api', service, 'characters synthesized', usage.ttsCharacters, price.perThousandChars, 1000);
      return;
  }
}

function lambdaGbSeconds(usage: MonthUsage): number {
  // Webhook: one admission per call; its size lives in the usage builder's assumptions.
  return usage.webhookGbSeconds + usage.costReportInvocations * COST_REPORT_LAMBDA.memoryGb * COST_REPORT_LAMBDA.seconds;
}

function scaled(p: SourcedPrice, ratio: SourcedPrice): SourcedPrice {
  return { ...p, usd: p.usd * ratio.usd, unit: `${p.unit} × Spot ratio ${ratio.usd}`, source: `${p.source}; Spot: ${ratio.source}` };
}

function sum(lines: readonly CostLine[]): number {
  return lines.reduce((s, l) => s + l.usd, 0);
}
