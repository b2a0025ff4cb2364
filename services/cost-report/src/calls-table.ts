import type { BindingConstraint } from './binding-constraint';
import type { CallAssumptions } from './call-assumptions';
import { builtInDay, isBuiltInProfile } from './demand-profiles';
import type { DeploymentProfile } from './deployment-profiles';
import { estimateMonth } from './estimate';
import { planInfraRow, type PlanInfraRow } from './plan-figures';
import type { RegionPrices } from './price-catalog';
import { describeBinding, round, usd } from './report';

/** One row of the `--calls 10,20,50,100` table: our deployment at that peak, beside the plan. */
export interface CallsTableRow {
  readonly peakCalls: number;
  readonly taskHours: number;
  readonly averageTasks: number;
  readonly peakTasks: number;
  readonly monthlyInfraUsd: number;
  readonly monthlyApiUsd: number;
  readonly totalMonthlyUsd: number;
  /** Infrastructure per concurrent call per month: the plan's "Per Call/Month". */
  readonly infraPerConcurrentCallUsd: number;
  readonly perCallUsd: number;
  readonly perMinuteUsd: number;
  readonly minutesAtRisk: number;
  readonly bindingConstraint: BindingConstraint;
  readonly plan: PlanInfraRow | null;
}

export function callsTable(
  deployment: DeploymentProfile,
  prices: RegionPrices,
  profile: string,
  peaks: readonly number[],
  days: number,
  assumptions: CallAssumptions,
): CallsTableRow[] {
  if (!isBuiltInProfile(profile)) throw new Error(`--calls needs a built-in profile, got ${profile}`);
  return peaks.map((peakCalls) => {
    const e = estimateMonth({ deployment, prices, dayDemand: builtInDay(profile, peakCalls), days, assumptions });
    return {
      peakCalls,
      taskHours: e.simulation.taskHours,
      averageTasks: e.simulation.taskHours / (days * 24),
      peakTasks: e.simulation.peakTasks,
      monthlyInfraUsd: e.cost.monthlyInfraUsd,
      monthlyApiUsd: e.cost.monthlyApiUsd,
      totalMonthlyUsd: e.cost.totalMonthlyUsd,
      infraPerConcurrentCallUsd: peakCalls > 0 ? e.cost.monthlyInfraUsd / peakCalls : 0,
      perCallUsd: e.cost.perCallUsd,
      perMinuteUsd: e.cost.perMinuteUsd,
      minutesAtRisk: e.simulation.minutesAtRisk,
      bindingConstraint: e.bindingConstraint,
      plan: planInfraRow(peakCalls) ?? null,
    };
  });
}

export function callsTableMarkdown(rows: readonly CallsTableRow[], meta: { env: string; region: string; profile: string; days: number; averageCallMinutes: number }): string {
  const out: string[] = [];
  out.push(`# Monthly cost by peak concurrent calls — ${meta.env} (${meta.region}), profile \`${meta.profile}\`, ${meta.days} days, ${meta.averageCallMinutes}-min calls`);
  out.push('');
  out.push('| Peak calls | Tasks avg / peak | Task-hours | Infra / month | Plan infra on-demand / 1-yr RI | Infra per concurrent call | Plan per call/month | APIs / month | Total / month | Per call | Per minute | Binding constraint |');
  out.push('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|');
  for (const r of rows) {
    const plan = r.plan ? `${usd(r.plan.onDemandUsd)} / ${usd(r.plan.reserved1yUsd)}` : '—';
    const planPer = r.plan ? usd(r.plan.perConcurrentCallMonthUsd) : '—';
    out.push(
      `| ${r.peakCalls} | ${round(r.averageTasks, 2)} / ${r.peakTasks} | ${round(r.taskHours, 1)} | ${usd(r.monthlyInfraUsd)} | ${plan} | ${usd(r.infraPerConcurrentCallUsd)} | ${planPer} | ${usd(r.monthlyApiUsd)} | ${usd(r.totalMonthlyUsd)} | ${usd(r.perCallUsd)} | ${usd(r.perMinuteUsd)} | ${describeBinding(r.bindingConstraint)} |`,
    );
  }
  out.push('');
  out.push("Plan columns: the plan's \"Cost Comparison Table\" (EC2 sized for N calls, 24/7, APIs excluded). Compare with profile `flat`.");
  out.push('');
  return out.join('\n');
}
