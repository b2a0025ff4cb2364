import { mermaidChart, textChart } from './chart';
import { PLAN_COMPLETE_COST_100, planInfraRow } from './plan-figures';
import { describeBinding, round, usd, type CostReport } from './report';

/** One month's report as Markdown: headline, binding constraint, cost lines, chart. */
export function reportMarkdown(r: CostReport, options: { mermaid: boolean } = { mermaid: true }): string {
  const out: string[] = [];
  out.push(`# Cost report — ${r.env} (${r.region}), ${r.period.label}`);
  out.push('');
  out.push(`Source: ${r.source === 'simulation' ? `simulated demand profile \`${r.profile}\`` : 'CloudWatch metrics of the period'}; price catalog ${r.catalogVersion}.`);
  out.push(`Assumptions: average call ${r.assumptions.averageCallMinutes} min, agent speaks ${Math.round(r.assumptions.agentTalkShare * 100)} % of the call, audio ${r.assumptions.sampleRateHz} Hz ${r.assumptions.bytesPerSample * 8}-bit PCM.`);
  out.push('');
  out.push('| | |');
  out.push('|---|---|');
  out.push(`| Infrastructure / month | ${usd(r.monthlyInfraUsd)} |`);
  out.push(`| Provider APIs / month | ${usd(r.monthlyApiUsd)} |`);
  out.push(`| **Total / month** | **${usd(r.totalMonthlyUsd)}** (budget ${usd(r.budgetUsd)}, infrastructure + APIs) |`);
  out.push(`| Per call | ${usd(r.perCallUsd)} |`);
  out.push(`| Per minute | ${usd(r.perMinuteUsd)} |`);
  out.push(`| Calls / call-minutes | ${Math.round(r.calls).toLocaleString('en-US')} / ${Math.round(r.callMinutes).toLocaleString('en-US')} |`);
  out.push(`| Peak concurrent calls | ${round(r.peakDemandCalls, 1)} |`);
  out.push(`| Task-hours (peak tasks) | ${round(r.taskHours, 1)} (${r.peakTasks}) |`);
  const spotShare = r.taskHours > 0 ? r.spotTaskHours / r.taskHours : 0;
  out.push(`| Of which on Fargate Spot | ${round(r.spotTaskHours, 1)} task-hours (${round(spotShare * 100, 1)} %) |`);
  if (r.fixedTaskHours !== null && r.autoscalingSavingsShare !== null) {
    out.push(`| vs fixed capacity for the peak | ${round(r.fixedTaskHours, 1)} task-hours: autoscaling saves ${round(r.autoscalingSavingsShare * 100, 1)} % |`);
  }
  if (r.minutesAtRisk !== null && r.callMinutesAtRisk !== null) {
    out.push(`| Minutes with calls at risk | ${r.minutesAtRisk} (${round(r.callMinutesAtRisk, 0)} call-minutes above capacity) |`);
  }
  out.push(`| **Binding constraint** | ${describeBinding(r.bindingConstraint)} |`);
  out.push('');
  out.push('## Limits (concurrent calls each allows)');
  out.push('');
  out.push('| Limit | Kind | Calls | Why |');
  out.push('|---|---|---:|---|');
  for (const c of r.constraints) {
    out.push(`| ${c.name} | ${c.kind} | ${Number.isFinite(c.capacityCalls) ? c.capacityCalls : '∞'} | ${c.detail} |`);
  }
  const plan = planInfraRow(Math.round(r.peakDemandCalls));
  if (plan !== undefined || Math.round(r.peakDemandCalls) === PLAN_COMPLETE_COST_100.concurrentCalls) {
    out.push('');
    out.push("## The plan's figures for this load");
    out.push('');
    if (plan !== undefined) {
      out.push(`- Plan, ${plan.concurrentCalls} concurrent calls 24/7 on ${plan.setup}: infrastructure ${usd(plan.onDemandUsd)} on-demand, ${usd(plan.reserved1yUsd)} with 1-year RIs (${usd(plan.perConcurrentCallMonthUsd)} per concurrent call-month). Ours: ${usd(r.monthlyInfraUsd)} for the \`${r.profile}\` profile.`);
    }
    if (Math.round(r.peakDemandCalls) === PLAN_COMPLETE_COST_100.concurrentCalls) {
      const p = PLAN_COMPLETE_COST_100;
      out.push(`- Plan "complete cost", 100 calls for 12 h/day: ${usd(p.totalUsd)} (infra ${usd(p.infraUsd)} + APIs ${usd(p.apiUsd)}), ${usd(p.perCallUsd)} per call, ${usd(p.perMinuteUsd)} per minute. Same load here: \`--profile operating-12h --peak 100\`.`);
    }
  }
  out.push('');
  out.push('## Cost lines');
  out.push('');
  out.push('| Service | Item | Quantity | Unit price | Monthly | Price source |');
  out.push('|---|---|---:|---:|---:|---|');
  for (const l of r.lines) {
    out.push(`| ${l.service} | ${l.item} | ${round(l.quantity, 2).toLocaleString('en-US')} | ${l.unitUsd.toPrecision(4)} $/${l.unit} | ${usd(l.usd)} | ${l.source} |`);
  }
  out.push('');
  out.push('## Demand vs capacity');
  out.push('');
  if (options.mermaid) {
    out.push(mermaidChart(r.chart));
    out.push('');
  }
  out.push(textChart(r.chart));
  out.push('');
  return out.join('\n');
}
