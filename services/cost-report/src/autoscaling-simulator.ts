/**
 * Runs a demand curve (concurrent calls per minute) through the same target-tracking rules as
 * the ECS service, minute by minute, and reports what it costs in task-hours and where demand
 * exceeded capacity.
 *
 * Rules modelled (research/aws-cdk.md §1.1):
 *  - the metric is the Average of ActiveCalls across in-service tasks (each task publishes,
 *    0 when idle), one datapoint per metric period;
 *  - scale out when the last `scaleOutEvaluationPeriods` datapoints exceed the target, scale in
 *    (more conservatively) when the last `scaleInEvaluationPeriods` are below
 *    target × scaleInThresholdRatio; in both cases desired = ceil(metric · current / target),
 *    clamped to [min, max];
 *  - no further scale-out during the scale-out cooldown; no scale-in during either cooldown
 *    (a scale-out interrupts scale-in);
 *  - a launched task is billed at once but takes calls only after `taskStartDelayS`;
 *  - a task chosen for scale-in is protected while it holds calls: it stops taking calls and is
 *    billed for `scaleInDrainS` more.
 * Calls beyond in-service capacity (tasks × maxCallsPerTask) are "at risk": queued or rejected.
 */
export interface ScalingPolicy {
  readonly targetCallsPerTask: number;
  readonly maxCallsPerTask: number;
  readonly minTasks: number;
  readonly maxTasks: number;
  readonly scaleOutCooldownS: number;
  readonly scaleInCooldownS: number;
  /** CloudWatch metric period: 60 s or a multiple. */
  readonly metricPeriodS: number;
  readonly taskStartDelayS: number;
  readonly scaleOutEvaluationPeriods: number;
  readonly scaleInEvaluationPeriods: number;
  readonly scaleInThresholdRatio: number;
  readonly scaleInDrainS: number;
}

export interface SimulationResult {
  readonly days: number;
  readonly minutes: number;
  /** Billed task-hours (starting, in service and draining tasks). */
  readonly taskHours: number;
  readonly peakTasks: number;
  readonly taskLaunches: number;
  readonly callMinutes: number;
  readonly peakDemandCalls: number;
  /** Minutes where demand exceeded in-service tasks × maxCallsPerTask. */
  readonly minutesAtRisk: number;
  /** Sum over those minutes of the calls above capacity. */
  readonly callMinutesAtRisk: number;
  /** Tasks needed for the peak, run 24/7 (the "fixed capacity" alternative). */
  readonly fixedTasks: number;
  readonly fixedTaskHours: number;
  /** Per hour of the month: mean demand and mean billed tasks. */
  readonly hourly: ReadonlyArray<{ readonly demandCalls: number; readonly tasks: number }>;
}

export const MINUTES_PER_DAY = 1440;

interface Draining {
  stopAtMin: number;
}

export function validatePolicy(p: ScalingPolicy): void {
  const problems: string[] = [];
  if (!(p.minTasks >= 1 && Number.isInteger(p.minTasks))) problems.push('minTasks must be an integer ≥ 1');
  if (!(p.maxTasks >= p.minTasks && Number.isInteger(p.maxTasks))) problems.push('maxTasks must be an integer ≥ minTasks');
  if (!(p.targetCallsPerTask > 0)) problems.push('targetCallsPerTask must be > 0');
  if (!(p.maxCallsPerTask >= p.targetCallsPerTask)) problems.push('maxCallsPerTask must be ≥ targetCallsPerTask');
  if (!(p.metricPeriodS >= 60 && p.metricPeriodS % 60 === 0)) problems.push('metricPeriodS must be a multiple of 60');
  if (!(p.scaleOutEvaluationPeriods >= 1 && p.scaleInEvaluationPeriods >= 1)) problems.push('evaluation periods must be ≥ 1');
  if (problems.length > 0) throw new Error(`invalid scaling policy: ${problems.join('; ')}`);
}

/**
 * @param dayDemand concurrent calls for each minute of one day (1,440 values), repeated `days` times.
 * One extra day runs first, unbilled, so the month starts from the state a real service would be in.
 */
export function simulateAutoscaling(dayDemand: readonly number[], policy: ScalingPolicy, days: number): SimulationResult {
  validatePolicy(policy);
  if (dayDemand.length !== MINUTES_PER_DAY) throw new Error(`a day curve needs ${MINUTES_PER_DAY} values, got ${dayDemand.length}`);
  if (dayDemand.some((v) => !(v >= 0) || !Number.isFinite(v))) throw new Error('demand values must be finite and ≥ 0');

  const periodMin = policy.metricPeriodS / 60;
  const startDelayMin = Math.ceil(policy.taskStartDelayS / 60);
  const drainMin = Math.ceil(policy.scaleInDrainS / 60);
  const outCooldownMin = policy.scaleOutCooldownS / 60;
  const inCooldownMin = policy.scaleInCooldownS / 60;

  let inService = policy.minTasks;
  let pendingReadyAt: number[] = [];
  let draining: Draining[] = [];
  let lastScaleOutMin = -Infinity;
  let lastScaleInMin = -Infinity;
  const datapoints: number[] = [];
  let periodSum = 0;
  let periodCount = 0;

  const warmupMin = MINUTES_PER_DAY;
  const totalMin = warmupMin + days * MINUTES_PER_DAY;

  let billedTaskMinutes = 0;
  let peakTasks = 0;
  let taskLaunches = 0;
  let callMinutes = 0;
  let peakDemand = 0;
  let minutesAtRisk = 0;
  let callMinutesAtRisk = 0;
  const hourly: Array<{ demandCalls: number; tasks: number }> = [];
  let hourDemand = 0;
  let hourTasks = 0;

  for (let m = 0; m < totalMin; m++) {
    // Launch times only grow, so the tasks ready now are at the front of the queue.
    while (pendingReadyAt.length > 0 && pendingReadyAt[0]! <= m) {
      pendingReadyAt.shift();
      inService += 1;
    }
    if (draining.length > 0) draining = draining.filter((d) => d.stopAtMin > m);

    const demand = dayDemand[m % MINUTES_PER_DAY] ?? 0;
    const capacity = inService * policy.maxCallsPerTask;
    const served = Math.min(demand, capacity);
    const metric = inService > 0 ? served / inService : 0;

    const billed = inService + pendingReadyAt.length + draining.length;
    if (m >= warmupMin) {
      billedTaskMinutes += billed;
      peakTasks = Math.max(peakTasks, billed);
      callMinutes += demand;
      peakDemand = Math.max(peakDemand, demand);
      if (demand > capacity) {
        minutesAtRisk += 1;
        callMinutesAtRisk += demand - capacity;
      }
      hourDemand += demand;
      hourTasks += billed;
      if ((m - warmupMin) % 60 === 59) {
        hourly.push({ demandCalls: hourDemand / 60, tasks: hourTasks / 60 });
        hourDemand = 0;
        hourTasks = 0;
      }
    }

    periodSum += metric;
    periodCount += 1;
    if (periodCount < periodMin) continue;
    const datapoint = periodSum / periodCount;
    periodSum = 0;
    periodCount = 0;
    datapoints.push(datapoint);
    if (datapoints.length > Math.max(policy.scaleOutEvaluationPeriods, policy.scaleInEvaluationPeriods)) datapoints.shift();

    const desired = inService + pendingReadyAt.length;
    const wanted = clamp(Math.ceil((datapoint * inService) / policy.targetCallsPerTask), policy.minTasks, policy.maxTasks);
    const high = lastNAll(datapoints, policy.scaleOutEvaluationPeriods, (v) => v > policy.targetCallsPerTask);
    const low = lastNAll(
      datapoints,
      policy.scaleInEvaluationPeriods,
      (v) => v < policy.targetCallsPerTask * policy.scaleInThresholdRatio,
    );
    const inOutCooldown = m - lastScaleOutMin < outCooldownMin;
    const inInCooldown = m - lastScaleInMin < inCooldownMin;

    if (high && !inOutCooldown && wanted > desired) {
      const launch = wanted - desired;
      for (let i = 0; i < launch; i++) pendingReadyAt.push(m + 1 + startDelayMin);
      taskLaunches += m >= warmupMin ? launch : 0;
      lastScaleOutMin = m;
    } else if (low && !inOutCooldown && !inInCooldown && wanted < desired) {
      let remove = desired - wanted;
      // Tasks still starting are cancelled first; in-service ones drain their calls.
      const cancel = Math.min(remove, pendingReadyAt.length);
      pendingReadyAt = pendingReadyAt.slice(0, pendingReadyAt.length - cancel);
      remove -= cancel;
      inService -= remove;
      for (let i = 0; i < remove; i++) draining.push({ stopAtMin: m + 1 + drainMin });
      lastScaleInMin = m;
    }
  }

  const fixedTasks = clamp(Math.ceil(peakDemand / policy.targetCallsPerTask), policy.minTasks, policy.maxTasks);
  return {
    days,
    minutes: days * MINUTES_PER_DAY,
    taskHours: billedTaskMinutes / 60,
    peakTasks,
    taskLaunches,
    callMinutes,
    peakDemandCalls: peakDemand,
    minutesAtRisk,
    callMinutesAtRisk,
    fixedTasks,
    fixedTaskHours: fixedTasks * days * 24,
    hourly,
  };
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

/** True when the last n datapoints all satisfy the test (an alarm needs n datapoints to fire). */
function lastNAll(values: readonly number[], n: number, test: (v: number) => boolean): boolean {
  return values.length >= n && values.slice(values.length - n).every(test);
}
