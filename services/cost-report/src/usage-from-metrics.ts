import { callMinuteTraffic } from './audio-traffic';
import type { CallAssumptions } from './call-assumptions';
import type { RecordedMetrics } from './cloudwatch-metrics';
import { spotTasks, type DeploymentProfile } from './deployment-profiles';
import type { AlbHour, MonthUsage } from './month-usage';
import type { ReportPeriod } from './report-period';
import { callDrivenUsage, costReportMetricQueries } from './usage-from-simulation';

export interface ObservedHour {
  readonly hourStartMs: number;
  /** Mean concurrent calls in the hour: mean ActiveCalls per task × tasks. */
  readonly concurrentCalls: number;
  readonly tasks: number;
}

export interface ObservedMonth {
  readonly usage: MonthUsage;
  readonly hourly: readonly ObservedHour[];
  readonly peakConcurrentCalls: number;
}

const HOUR_MS = 3_600_000;

/**
 * Billable quantities from what CloudWatch recorded. Where a metric is missing the model fills in:
 *  - tasks: ECS/ContainerInsights RunningTaskCount; without Container Insights, ActiveCalls'
 *    SampleCount ÷ 60 (every task publishes once a minute, 0 when idle — the metric contract);
 *  - internet egress through the ALB: ALB ProcessedBytes × the outbound share of the Exotel
 *    traffic (audio-traffic.ts); the NAT's BytesOutToDestination is measured;
 *  - calls: call-minutes ÷ the average call length (ActiveCalls gives minutes, not calls).
 */
export function usageFromMetrics(m: RecordedMetrics, period: ReportPeriod, deployment: DeploymentProfile, a: CallAssumptions): ObservedMonth {
  const traffic = callMinuteTraffic(a);
  const albOutboundShare = traffic.exotelOutboundBytes / (traffic.exotelInboundBytes + traffic.exotelOutboundBytes);
  const at = (s: ReadonlyMap<number, number>, t: number): number | undefined => s.get(t);

  const hourly: ObservedHour[] = [];
  const albHourly: AlbHour[] = [];
  let taskHours = 0;
  let spotTaskHours = 0;
  let callMinutes = 0;
  let natProcessedBytes = 0;
  let internetOutBytes = 0;
  let taskLaunches = 0;
  let previousTasks: number | undefined;
  for (let t = period.start.getTime(); t < period.end.getTime(); t += HOUR_MS) {
    const tasks = at(m.runningTasks, t) ?? (at(m.activeCallsSamples, t) ?? 0) / 60;
    const concurrentCalls = (at(m.activeCallsAverage, t) ?? 0) * tasks;
    hourly.push({ hourStartMs: t, concurrentCalls, tasks });
    taskHours += tasks;
    // From the hourly mean: exact while tasks stay at or above the on-demand base within the
    // hour (spot() is linear there), which holds whenever base ≤ minTasks (every env today).
    spotTaskHours += spotTasks(tasks, deployment.capacityProviders);
    callMinutes += concurrentCalls * 60;
    // Hourly means hide launches inside the hour: this is a lower bound (secrets API calls only).
    if (previousTasks !== undefined && tasks > previousTasks) taskLaunches += Math.ceil(tasks - previousTasks);
    previousTasks = tasks;

    const processedBytes = at(m.albProcessedBytes, t) ?? 0;
    albHourly.push({
      newConnections: at(m.albNewConnections, t) ?? 0,
      // ActiveConnectionCount is reported per minute: the hour's Sum ÷ 60 is the mean.
      activeConnections: (at(m.albActiveConnectionsSum, t) ?? 0) / 60,
      processedBytes,
      ruleEvaluations: at(m.albRuleEvaluations, t) ?? 0,
    });
    natProcessedBytes += (at(m.natBytesInFromSource, t) ?? 0) + (at(m.natBytesInFromDestination, t) ?? 0);
    internetOutBytes += (at(m.natBytesOutToDestination, t) ?? 0) + processedBytes * albOutboundShare;
  }

  const days = period.hours / 24;
  const costReportInvocations = Math.ceil(days) + 1;
  const fromCalls = callDrivenUsage(callMinutes, a);
  const usage: MonthUsage = {
    hours: period.hours,
    taskHours,
    spotTaskHours,
    taskLaunches,
    albHourly,
    ...fromCalls,
    // Measured, not derived from the codec.
    natProcessedBytes,
    internetOutBytes,
    costReportInvocations,
    putMetricDataRequests: taskHours * 60 + costReportInvocations,
    getMetricDataMetrics: costReportInvocations * costReportMetricQueries(deployment.natGateways),
    secretsApiCalls: taskLaunches * deployment.secrets,
  };
  return { usage, hourly, peakConcurrentCalls: Math.max(0, ...hourly.map((h) => h.concurrentCalls)) };
}

/** Linear projection of a partial month to the whole month (fixed monthly items are priced whole anyway). */
export function projectUsage(u: MonthUsage, factor: number): MonthUsage {
  return {
    ...u,
    hours: u.hours * factor,
    taskHours: u.taskHours * factor,
    spotTaskHours: u.spotTaskHours * factor,
    taskLaunches: u.taskLaunches * factor,
    calls: u.calls * factor,
    callMinutes: u.callMinutes * factor,
    albHourly: u.albHourly.length === 0 ? [] : Array.from({ length: Math.round(u.albHourly.length * factor) }, (_, i) => u.albHourly[i % u.albHourly.length]!),
    natProcessedBytes: u.natProcessedBytes * factor,
    internetOutBytes: u.internetOutBytes * factor,
    webhookInvocations: u.webhookInvocations * factor,
    webhookGbSeconds: u.webhookGbSeconds * factor,
    costReportInvocations: u.costReportInvocations * factor,
    dynamoWriteUnits: u.dynamoWriteUnits * factor,
    dynamoReadUnits: u.dynamoReadUnits * factor,
    putMetricDataRequests: u.putMetricDataRequests * factor,
    getMetricDataMetrics: u.getMetricDataMetrics * factor,
    logBytes: u.logBytes * factor,
    secretsApiCalls: u.secretsApiCalls * factor,
    sttMinutes: u.sttMinutes * factor,
    ttsCharacters: u.ttsCharacters * factor,
    llmInputTokens: u.llmInputTokens * factor,
    llmOutputTokens: u.llmOutputTokens * factor,
  };
}

/** The same month with call-driven quantities scaled by k (tasks held): used to find the budget's capacity. */
export function scaleDemand(u: MonthUsage, k: number): MonthUsage {
  return {
    ...u,
    calls: u.calls * k,
    callMinutes: u.callMinutes * k,
    albHourly: u.albHourly.map((h) => ({ newConnections: h.newConnections * k, activeConnections: h.activeConnections * k, processedBytes: h.processedBytes * k, ruleEvaluations: h.ruleEvaluations * k })),
    natProcessedBytes: u.natProcessedBytes * k,
    internetOutBytes: u.internetOutBytes * k,
    webhookInvocations: u.webhookInvocations * k,
    webhookGbSeconds: u.webhookGbSeconds * k,
    dynamoWriteUnits: u.dynamoWriteUnits * k,
    dynamoReadUnits: u.dynamoReadUnits * k,
    logBytes: u.logBytes * k,
    sttMinutes: u.sttMinutes * k,
    ttsCharacters: u.ttsCharacters * k,
    llmInputTokens: u.llmInputTokens * k,
    llmOutputTokens: u.llmOutputTokens * k,
  };
}
