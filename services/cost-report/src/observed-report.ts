import { bindingConstraint, capacityConstraints } from './binding-constraint';
import type { CallAssumptions } from './call-assumptions';
import { priceMonth } from './cost-model';
import type { DeploymentProfile } from './deployment-profiles';
import { PRICE_CATALOG_VERSION, type RegionPrices } from './price-catalog';
import { pickAssumptions, type CostReport } from './report';
import type { ReportPeriod } from './report-period';
import { projectUsage, scaleDemand, type ObservedMonth } from './usage-from-metrics';

/**
 * Prices what CloudWatch recorded. A month in progress is projected linearly to the whole month,
 * so the figure published as EstimatedMonthlyCost compares with a monthly budget.
 */
export function reportFromObserved(observed: ObservedMonth, period: ReportPeriod, deployment: DeploymentProfile, prices: RegionPrices, a: CallAssumptions): CostReport {
  const factor = period.hours > 0 ? period.monthHours / period.hours : 0;
  const usage = projectUsage(observed.usage, factor);
  const cost = priceMonth(usage, deployment, prices);

  // Budget capacity: cost is ~linear in demand with tasks held; solve for the peak at the budget.
  const idleTotal = priceMonth(scaleDemand(usage, 0), deployment, prices).totalMonthlyUsd;
  const perUnitDemand = cost.totalMonthlyUsd - idleTotal;
  const budgetCalls =
    observed.peakConcurrentCalls <= 0 || perUnitDemand <= 0
      ? Infinity
      : Math.max(0, Math.floor((observed.peakConcurrentCalls * (deployment.budgetUsd - idleTotal)) / perUnitDemand));
  const constraints = capacityConstraints(deployment, a, budgetCalls);

  const days = new Map<string, { peak: number; taskSum: number; hours: number }>();
  for (const h of observed.hourly) {
    const day = new Date(h.hourStartMs).toISOString().slice(5, 10);
    const d = days.get(day) ?? { peak: 0, taskSum: 0, hours: 0 };
    d.peak = Math.max(d.peak, h.concurrentCalls);
    d.taskSum += h.tasks;
    d.hours += 1;
    days.set(day, d);
  }

  return {
    catalogVersion: PRICE_CATALOG_VERSION,
    source: 'cloudwatch',
    env: deployment.env,
    region: prices.region,
    profile: 'recorded',
    period: {
      days: period.hours / 24,
      label: period.mode === 'previous-month' ? `${period.month}` : `${period.month} to date (${Math.round(period.hours)} h of ${period.monthHours} h, projected to the month)`,
    },
    assumptions: pickAssumptions(a),
    monthlyInfraUsd: cost.monthlyInfraUsd,
    monthlyApiUsd: cost.monthlyApiUsd,
    totalMonthlyUsd: cost.totalMonthlyUsd,
    budgetUsd: deployment.budgetUsd,
    perCallUsd: cost.perCallUsd,
    perMinuteUsd: cost.perMinuteUsd,
    calls: usage.calls,
    callMinutes: usage.callMinutes,
    peakDemandCalls: observed.peakConcurrentCalls,
    taskHours: usage.taskHours,
    spotTaskHours: usage.spotTaskHours,
    peakTasks: Math.max(0, ...observed.hourly.map((h) => Math.ceil(h.tasks))),
    fixedTaskHours: null,
    autoscalingSavingsShare: null,
    minutesAtRisk: null,
    callMinutesAtRisk: null,
    albLcuHours: cost.albLcuHours,
    bindingConstraint: bindingConstraint(constraints, observed.peakConcurrentCalls),
    constraints,
    lines: cost.lines,
    chart: {
      title: 'Daily peak concurrent calls (hourly mean) vs mean tasks',
      labels: [...days.keys()],
      bars: [...days.values()].map((d) => d.peak),
      barsLabel: 'calls',
      line: [...days.values()].map((d) => (d.hours > 0 ? d.taskSum / d.hours : 0)),
      lineLabel: 'tasks',
    },
  };
}
