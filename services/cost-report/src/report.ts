import type { BindingConstraint, ConstraintCapacity } from './binding-constraint';
import type { CallAssumptions } from './call-assumptions';
import type { ChartSeries } from './chart';
import type { CostLine } from './cost-model';
import type { Estimate } from './estimate';
import { PRICE_CATALOG_VERSION, type RegionName } from './price-catalog';

/** One month's estimate as the CLI prints it and the Lambda stores it (JSON-safe). */
export interface CostReport {
  readonly catalogVersion: string;
  readonly source: 'simulation' | 'cloudwatch';
  readonly env: string;
  readonly region: RegionName;
  readonly profile: string;
  readonly period: { readonly days: number; readonly label: string };
  readonly assumptions: Pick<CallAssumptions, 'averageCallMinutes' | 'agentTalkShare' | 'sampleRateHz' | 'bytesPerSample'>;
  readonly monthlyInfraUsd: number;
  readonly monthlyApiUsd: number;
  readonly totalMonthlyUsd: number;
  readonly budgetUsd: number;
  readonly perCallUsd: number;
  readonly perMinuteUsd: number;
  readonly calls: number;
  readonly callMinutes: number;
  readonly peakDemandCalls: number;
  readonly taskHours: number;
  /** The part of taskHours on FARGATE_SPOT (base + weights from lib/config). */
  readonly spotTaskHours: number;
  readonly peakTasks: number;
  /** Task-hours if the peak's task count ran all month (null when not simulated). */
  readonly fixedTaskHours: number | null;
  readonly autoscalingSavingsShare: number | null;
  readonly minutesAtRisk: number | null;
  readonly callMinutesAtRisk: number | null;
  readonly albLcuHours: number;
  readonly bindingConstraint: BindingConstraint;
  readonly constraints: readonly ConstraintCapacity[];
  readonly lines: readonly CostLine[];
  readonly chart: ChartSeries;
}

export interface ReportMeta {
  readonly env: string;
  readonly region: RegionName;
  readonly profile: string;
  /** Monthly budget, infrastructure + provider APIs. */
  readonly budgetUsd: number;
  readonly assumptions: CallAssumptions;
  readonly periodLabel: string;
}

export function reportFromEstimate(e: Estimate, meta: ReportMeta): CostReport {
  const sim = e.simulation;
  // One representative day (the last): hourly demand vs tasks.
  const lastDay = sim.hourly.slice(-24);
  return {
    catalogVersion: PRICE_CATALOG_VERSION,
    source: 'simulation',
    env: meta.env,
    region: meta.region,
    profile: meta.profile,
    period: { days: sim.days, label: meta.periodLabel },
    assumptions: pickAssumptions(meta.assumptions),
    monthlyInfraUsd: e.cost.monthlyInfraUsd,
    monthlyApiUsd: e.cost.monthlyApiUsd,
    totalMonthlyUsd: e.cost.totalMonthlyUsd,
    budgetUsd: meta.budgetUsd,
    perCallUsd: e.cost.perCallUsd,
    perMinuteUsd: e.cost.perMinuteUsd,
    calls: e.usage.calls,
    callMinutes: e.usage.callMinutes,
    peakDemandCalls: sim.peakDemandCalls,
    taskHours: sim.taskHours,
    spotTaskHours: e.usage.spotTaskHours,
    peakTasks: sim.peakTasks,
    fixedTaskHours: sim.fixedTaskHours,
    autoscalingSavingsShare: sim.fixedTaskHours > 0 ? 1 - sim.taskHours / sim.fixedTaskHours : null,
    minutesAtRisk: sim.minutesAtRisk,
    callMinutesAtRisk: sim.callMinutesAtRisk,
    albLcuHours: e.cost.albLcuHours,
    bindingConstraint: e.bindingConstraint,
    constraints: e.constraints,
    lines: e.cost.lines,
    chart: {
      title: 'One day: concurrent calls vs tasks, by hour',
      labels: lastDay.map((_, h) => `${String(h).padStart(2, '0')}h`),
      bars: lastDay.map((h) => h.demandCalls),
      barsLabel: 'calls',
      line: lastDay.map((h) => h.tasks),
      lineLabel: 'tasks',
    },
  };
}

export function pickAssumptions(a: CallAssumptions): CostReport['assumptions'] {
  return { averageCallMinutes: a.averageCallMinutes, agentTalkShare: a.agentTalkShare, sampleRateHz: a.sampleRateHz, bytesPerSample: a.bytesPerSample };
}

export function describeBinding(b: BindingConstraint): string {
  const cap = Number.isFinite(b.capacityCalls) ? `${b.capacityCalls} concurrent calls` : 'no limit';
  const state = b.exceeded ? `EXCEEDED by the peak of ${round(b.peakDemandCalls, 1)}` : `peak ${round(b.peakDemandCalls, 1)} fits`;
  return `${b.kind}: ${b.name} (${cap}; ${b.detail}) — ${state}`;
}

export const usd = (v: number): string =>
  `$${v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: v !== 0 && Math.abs(v) < 1 ? 4 : 2 })}`;

export function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
