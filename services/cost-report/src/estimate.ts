import { simulateAutoscaling, type SimulationResult } from './autoscaling-simulator';
import { bindingConstraint, capacityConstraints, type BindingConstraint, type ConstraintCapacity } from './binding-constraint';
import type { CallAssumptions } from './call-assumptions';
import { priceMonth, type MonthCost } from './cost-model';
import type { DeploymentProfile } from './deployment-profiles';
import type { MonthUsage } from './month-usage';
import type { RegionPrices } from './price-catalog';
import { usageFromSimulation } from './usage-from-simulation';

export interface EstimateInput {
  readonly deployment: DeploymentProfile;
  readonly prices: RegionPrices;
  /** Concurrent calls per minute of one day (1,440 values). */
  readonly dayDemand: readonly number[];
  readonly days: number;
  readonly assumptions: CallAssumptions;
}

export interface Estimate {
  readonly simulation: SimulationResult;
  readonly usage: MonthUsage;
  readonly cost: MonthCost;
  readonly constraints: readonly ConstraintCapacity[];
  readonly bindingConstraint: BindingConstraint;
}

/** Simulate, derive usage, price. The one path both the CLI and the tests use. */
export function priceDemand(input: EstimateInput): { simulation: SimulationResult; usage: MonthUsage; cost: MonthCost } {
  const simulation = simulateAutoscaling(input.dayDemand, input.deployment.scaling, input.days);
  const usage = usageFromSimulation(simulation, input.deployment, input.assumptions);
  const cost = priceMonth(usage, input.deployment, input.prices);
  return { simulation, usage, cost };
}

export function estimateMonth(input: EstimateInput): Estimate {
  const { simulation, usage, cost } = priceDemand(input);
  const budgetCalls = budgetCapacityCalls(input);
  const constraints = capacityConstraints(input.deployment, input.assumptions, budgetCalls);
  return { simulation, usage, cost, constraints, bindingConstraint: bindingConstraint(constraints, simulation.peakDemandCalls) };
}

/**
 * The highest peak (same curve shape, rescaled) whose month stays within the budget. The total
 * grows with demand (provider APIs are priced per minute), so a bisection finds it.
 */
export function budgetCapacityCalls(input: EstimateInput): number {
  const peak = Math.max(...input.dayDemand);
  if (peak <= 0) return Infinity;
  const totalAt = (peakCalls: number): number =>
    priceDemand({ ...input, dayDemand: input.dayDemand.map((v) => (v * peakCalls) / peak) }).cost.totalMonthlyUsd;
  const budget = input.deployment.budgetUsd;
  if (totalAt(0) > budget) return 0;
  let lo = 0;
  let hi = Math.max(1, peak);
  for (let i = 0; totalAt(hi) <= budget; i++) {
    if (i >= 30) return Infinity;
    lo = hi;
    hi *= 2;
  }
  // Whole calls are what matters; stop when the bracket is under one call.
  while (hi - lo > 0.5) {
    const mid = (lo + hi) / 2;
    if (totalAt(mid) <= budget) lo = mid;
    else hi = mid;
  }
  return Math.floor(lo);
}
