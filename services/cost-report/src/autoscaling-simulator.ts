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
  /** Minutes of the month spent at each billed task count (index = tasks): prices the Spot mix. */
  readonly taskMinutesByCount: readonly number[];
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

interface DayStats {
  taskMinutes: number;
  taskMinutesByCount: number[];
  peakTasks: number;
  launches: number;
  callMinutes: number;
  peakDemand: number;
  minutesAtRisk: number;
  callMinutesAtRisk: number;
  hourly: Array<{ demandCalls: number; tasks: number }>;
}

/**
 * @param dayDemand concurrent calls for each minute of one day (1,440 values), repeated `days` times.
 * One extra day runs first, unbilled, so the month starts from the state a real service would be in.
 * Once a day ends in the same state it started in, every later day repeats it exactly, so its
 * figures are copied instead of simulated again (the result is identical, only faster).
 */
export function simulateAutoscaling(dayDemand: readonly number[], policy: ScalingPolicy, days: number): SimulationResult {
  validatePolicy(policy);
  if (dayDemand.length !== MINUTES_PER_DAY) throw new Error(`a day curve needs ${MINUTES_PER_DAY} values, got ${dayDemand.length}`);
  if (dayDemand.some((v) => !(v >= 0) || !Number.isFinite(v))) throw new Error('demand values must be finite and ≥ 0');
  if (!(Number.isInteger(days) && days >= 1)) throw new Error('days must be a whole number ≥ 1');

  const periodMin = policy.metricPeriodS / 60;
  const startDelayMin = Math.ceil(policy.taskStartDelayS / 60);
  const drainMin = Math.ceil(policy.scaleInDrainS / 60);
  const outCooldownMin = policy.scaleOutCooldownS / 60;
  const inCooldownMin = policy.scaleInCooldownS / 60;
  const keepDatapoints = Math.max(policy.scaleOutEvaluationPeriods, policy.scaleInEvaluationPeriods);
  const scaleInBelow = policy.targetCallsPerTask * policy.scaleInThresholdRatio;

  let inService = policy.minTasks;
  let pendingReadyAt: number[] = [];
  let drainingStopAt: number[] = [];
  let lastScaleOutMin = -Infinity;
  let lastScaleInMin = -Infinity;
  const datapoints: number[] = [];
  let periodSum = 0;
  let periodCount = 0;

  /** Everything that decides the future, relative to minute m (cooldowns capped: older is the same). */
  const stateKey = (m: number): string =>
    JSON.stringify([
      inService,
      pendingReadyAt.map((t) => t - m),
      drainingStopAt.map((t) => t - m),
      Math.min(m - lastScaleOutMin, outCooldownMin),
      Math.min(m - lastScaleInMin, inCooldownMin),
      datapoints,
      periodSum,
      periodCount,
    ]);

  const runDay = (dayStart: number): DayStats => {
    const st: DayStats = { taskMinutes: 0, taskMinutesByCount: [], peakTasks: 0, launches: 0, callMinutes: 0, peakDemand: 0, minutesAtRisk: 0, callMinutesAtRisk: 0, hourly: [] };
    let hourDemand = 0;
    let hourTasks = 0;
    for (let i = 0; i < MINUTES_PER_DAY; i++) {
      const m = dayStart + i;
      // Launch times only grow, so the tasks ready now are at the front of the queue.
      while (pendingReadyAt.length > 0 && pendingReadyAt[0]! <= m) {
        pendingReadyAt.shift();
        inService += 1;
      }
      if (drainingStopAt.length > 0) drainingStopAt = drainingStopAt.filter((t) => t > m);

      const demand = dayDemand[i]!;
      const capacity = inService * policy.maxCallsPerTask;
      const served = demand < capacity ? demand : capacity;
      const metric = inService > 0 ? served / inService : 0;

      const billed = inService + pendingReadyAt.length + drainingStopAt.length;
      st.taskMinutes += billed;
      st.taskMinutesByCount[billed] = (st.taskMinutesByCount[billed] ?? 0) + 1;
      if (billed > st.peakTasks) st.peakTasks = billed;
      st.callMinutes += demand;
      if (demand > st.peakDemand) st.peakDemand = demand;
      if (demand > capacity) {
        st.minutesAtRisk += 1;
        st.callMinutesAtRisk += demand - capacity;
      }
      hourDemand += demand;
      hourTasks += billed;
      if (i % 60 === 59) {
        st.hourly.push({ demandCalls: hourDemand / 60, tasks: hourTasks / 60 });
        hourDemand = 0;
        hourTasks = 0;
      }

      periodSum += metric;
      periodCount += 1;
      if (periodCount < periodMin) continue;
      const datapoint = periodSum / periodCount;
      periodSum = 0;
      periodCount = 0;
      datapoints.push(datapoint);
      if (datapoints.length > keepDatapoints) datapoints.shift();

      const desired = inService + pendingReadyAt.length;
      const wanted = clamp(Math.ceil((datapoint * inService) / policy.targetCallsPerTask), policy.minTasks, policy.maxTasks);
      const high = lastNAll(datapoints, policy.scaleOutEvaluationPeriods, (v) => v > policy.targetCallsPerTask);
      const low = lastNAll(datapoints, policy.scaleInEvaluationPeriods, (v) => v < scaleInBelow);
      const inOutCooldown = m - lastScaleOutMin < outCooldownMin;
      const inInCooldown = m - lastScaleInMin < inCooldownMin;

      if (high && !inOutCooldown && wanted > desired) {
        const launch = wanted - desired;
        for (let k = 0; k < launch; k++) pendingReadyAt.push(m + 1 + startDelayMin);
        st.launches += launch;
        lastScaleOutMin = m;
      } else if (low && !inOutCooldown && !inInCooldown && wanted < desired) {
        let remove = desired - wanted;
        // Tasks still starting are cancelled first (the latest launched); in-service ones drain.
        const cancel = Math.min(remove, pendingReadyAt.length);
        pendingReadyAt = pendingReadyAt.slice(0, pendingReadyAt.length - cancel);
        remove -= cancel;
        inService -= remove;
        for (let k = 0; k < remove; k++) drainingStopAt.push(m + 1 + drainMin);
        lastScaleInMin = m;
      }
    }
    return st;
  };

  runDay(0); // warm-up, unbilled
  let previousKey = stateKey(MINUTES_PER_DAY);
  const month: DayStats[] = [];
  for (let d = 0; d < days; d++) {
    const dayStart = (d + 1) * MINUTES_PER_DAY;
    const stats = runDay(dayStart);
    month.push(stats);
    const key = stateKey(dayStart + MINUTES_PER_DAY);
    if (key === previousKey) {
      while (month.length < days) month.push(stats);
      break;
    }
    previousKey = key;
  }

  const total = (f: (s: DayStats) => number): number => month.reduce((sum, s) => sum + f(s), 0);
  const peakDemand = Math.max(...month.map((s) => s.peakDemand));
  const fixedTasks = clamp(Math.ceil(peakDemand / policy.targetCallsPerTask), policy.minTasks, policy.maxTasks);
  return {
    days,
    minutes: days * MINUTES_PER_DAY,
    taskHours: total((s) => s.taskMinutes) / 60,
    taskMinutesByCount: sumByIndex(month.map((s) => s.taskMinutesByCount)),
    peakTasks: Math.max(...month.map((s) => s.peakTasks)),
    taskLaunches: total((s) => s.launches),
    callMinutes: total((s) => s.callMinutes),
    peakDemandCalls: peakDemand,
    minutesAtRisk: total((s) => s.minutesAtRisk),
    callMinutesAtRisk: total((s) => s.callMinutesAtRisk),
    fixedTasks,
    fixedTaskHours: fixedTasks * days * 24,
    hourly: month.flatMap((s) => s.hourly),
  };
}

function sumByIndex(rows: readonly number[][]): number[] {
  const sums: number[] = [];
  for (const row of rows) row.forEach((v, i) => (sums[i] = (sums[i] ?? 0) + (v ?? 0)));
  return Array.from(sums, (v) => v ?? 0);
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

/** True when the last n datapoints all satisfy the test (an alarm needs n datapoints to fire). */
function lastNAll(values: readonly number[], n: number, test: (v: number) => boolean): boolean {
  return values.length >= n && values.slice(values.length - n).every(test);
}
