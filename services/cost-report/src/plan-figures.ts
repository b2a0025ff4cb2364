/**
 * The user's plan's own figures (seed/enterprise-concurrency-plan.md), quoted so reports can put
 * them beside ours where they describe the same load. Quoted as written, including its
 * inconsistencies (e.g. Scenario 1 totals $63.18 while its comparison table says $78.37).
 */
export interface PlanInfraRow {
  readonly concurrentCalls: number;
  readonly setup: string;
  /** "Cost Comparison Table": EC2 sized for N concurrent calls, running 24/7, 30-day months. */
  readonly onDemandUsd: number;
  readonly reserved1yUsd: number;
  readonly reserved3yUsd: number;
  /** Infrastructure per concurrent call per month (the table's "Per Call/Month"). */
  readonly perConcurrentCallMonthUsd: number;
}

export const PLAN_INFRA_TABLE: readonly PlanInfraRow[] = [
  { concurrentCalls: 10, setup: '1× t3.small', onDemandUsd: 78.37, reserved1yUsd: 66.25, reserved3yUsd: 54.2, perConcurrentCallMonthUsd: 6.63 },
  { concurrentCalls: 20, setup: '1× t3.medium', onDemandUsd: 155.74, reserved1yUsd: 131.5, reserved3yUsd: 107.5, perConcurrentCallMonthUsd: 6.58 },
  { concurrentCalls: 50, setup: '2× c6i.large + ALB + Redis', onDemandUsd: 393.28, reserved1yUsd: 343.08, reserved3yUsd: 280.5, perConcurrentCallMonthUsd: 6.86 },
  { concurrentCalls: 100, setup: '4× c6i.xlarge + ALB + Redis + Atlas M10', onDemandUsd: 1162.6, reserved1yUsd: 961.7, reserved3yUsd: 885.36, perConcurrentCallMonthUsd: 8.85 },
];

/** "Complete Cost with API Costs": 100 concurrent calls, 12 h/day, 3-minute calls, 30 days. */
export const PLAN_COMPLETE_COST_100 = {
  concurrentCalls: 100,
  operatingHoursPerDay: 12,
  averageCallMinutes: 3,
  monthlyCalls: 720_000,
  monthlyMinutes: 2_160_000,
  infraUsd: 961.7,
  apiUsd: 64_800,
  totalUsd: 65_761.7,
  perCallUsd: 0.09,
  perMinuteUsd: 0.03,
  apiUsdPer1000Minutes: 30,
} as const;

/** "When Auto Scaling Saves Money": business hours 9-5, 6 instances peak, 1 off-peak, vs 6 fixed. */
export const PLAN_AUTOSCALING_CLAIMS = {
  businessHours: { peakInstances: 6, offPeakInstances: 1, peakHours: 8, instanceHours: 1920, fixedInstanceHours: 4320, savingsShare: 0.56 },
  ecommerce: { instanceHours: 2670, fixedInstanceHours: 2880, savingsShare: 0.07 },
} as const;

export function planInfraRow(concurrentCalls: number): PlanInfraRow | undefined {
  return PLAN_INFRA_TABLE.find((r) => r.concurrentCalls === concurrentCalls);
}
