import type { PhaseResult, RatioRound, StepResult } from './bench-types';

/** The targets, one place. */
export const TARGETS = {
  callsPerVcpu: 200,
  overheadP99Ms: 20,
  lateFrames: 0,
  cpuRatioToFloor: 2,
  memoryPerCallBytes: 256 * 1024,
} as const;

/** A process this busy (share of one core) is saturated: its latencies measure its queue, not its code. */
export const SATURATED_CORE_SHARE = 0.9;

export interface TimedSample<T> {
  atMs: number;
  value: T;
}

/** The sample taken closest to `atMs`. */
export function nearest<T>(samples: readonly TimedSample<T>[], atMs: number): TimedSample<T> | undefined {
  let best: TimedSample<T> | undefined;
  for (const s of samples) if (best === undefined || Math.abs(s.atMs - atMs) < Math.abs(best.atMs - atMs)) best = s;
  return best;
}

/** Growth of a cumulative counter (CPU seconds) between the samples nearest the window's edges, and the time between them. */
export function counterDelta(samples: readonly TimedSample<number>[], startMs: number, endMs: number): { delta: number; seconds: number } {
  const a = nearest(samples, startMs);
  const b = nearest(samples, endMs);
  if (a === undefined || b === undefined || b.atMs <= a.atMs) return { delta: 0, seconds: 0 };
  return { delta: b.value - a.value, seconds: (b.atMs - a.atMs) / 1000 };
}

/** The values sampled inside [startMs, endMs]. */
export function valuesIn(samples: readonly TimedSample<number>[], startMs: number, endMs: number): number[] {
  return samples.filter((s) => s.atMs >= startMs && s.atMs <= endMs).map((s) => s.value);
}

/** Median of `values` (the mean of the middle two when even); undefined when empty. */
export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Mean of the values sampled inside [startMs, endMs]; 0 when none were. */
export function meanIn(samples: readonly TimedSample<number>[], startMs: number, endMs: number): number {
  const inside = valuesIn(samples, startMs, endMs);
  if (inside.length === 0) return 0;
  return inside.reduce((sum, v) => sum + v, 0) / inside.length;
}

export function perCall(totalBytes: number, baselineBytes: number, calls: number): number {
  return calls > 0 ? Math.max(0, totalBytes - baselineBytes) / calls : 0;
}

/**
 * The lower level's median RSS and mean calls over its window, and RSS per call added from there
 * to the full load's steady figures. Not clamped: a negative slope is reported as measured.
 */
export function lowerLevelMemory(
  rss: readonly TimedSample<number>[],
  active: readonly TimedSample<number>[],
  fromMs: number,
  toMs: number,
  steadyRssBytes: number,
  meanActiveCalls: number,
): PhaseResult['lowerLevel'] {
  const lowerRss = median(valuesIn(rss, fromMs, toMs));
  const lowerCalls = meanIn(active, fromMs, toMs);
  const added = meanActiveCalls - lowerCalls;
  if (lowerRss === undefined || !(added > 0)) return undefined;
  return {
    meanActiveCalls: lowerCalls,
    windowSec: (toMs - fromMs) / 1000,
    steadyRssBytes: lowerRss,
    rssPerAddedCallBytes: (steadyRssBytes - lowerRss) / added,
  };
}

/** Overhead p99 within target, no late frames, no failed calls, no protocol violations. */
export function meetsLatencyTargets(voice: PhaseResult): boolean {
  const c = voice.callers;
  return (
    voice.overheadMs !== null &&
    voice.overheadMs.p99 <= TARGETS.overheadP99Ms &&
    c.lateFrames === TARGETS.lateFrames &&
    c.failed === 0 &&
    c.protocolViolations === 0
  );
}

/**
 * One step from its phases. `floors` are the floor phases in time order around the voice phases:
 * before round 1, then after each round. The machine's speed moves over minutes, so each round's
 * voice phase is divided by the mean of the floor phases on either side of it rather than by one
 * floor measured minutes away; with several rounds the step's ratio is the median of theirs.
 * `loadGenCores` is how many cores the simulator and emulators share; when together they (or
 * either one) come near it, the step measured the load generator.
 */
export function combineStep(voices: PhaseResult | readonly PhaseResult[], floors: readonly PhaseResult[], loadGenCores: number): StepResult {
  const all: readonly PhaseResult[] = Array.isArray(voices) ? voices : [voices as PhaseResult];
  const [voice, ...laterVoices] = all;
  if (voice === undefined) throw new Error('a step needs at least one voice phase');
  const shares = Object.entries(voice.processes).map(([name, u]) => ({ name, coreShare: u.coreShare }));
  const busiest = shares.reduce((a, b) => (b.coreShare > a.coreShare ? b : a), { name: 'voice', coreShare: 0 });
  const loadGen = (p: PhaseResult): number => (p.processes.emulators?.coreShare ?? 0) + (p.processes.simulator?.coreShare ?? 0);
  const loadGeneratorSaturated = [...all, ...floors].some(
    (p) => loadGen(p) >= SATURATED_CORE_SHARE * loadGenCores || (p.processes.simulator?.coreShare ?? 0) >= SATURATED_CORE_SHARE,
  );
  const floorCpu = meanFloorCpu(floors);
  const before = floors[0];
  const after = floors.length > 1 ? floors[floors.length - 1] : undefined;
  const rounds = all.map((v, i) => ratioRound(v, floors.length > all.length ? floors.slice(i, i + 2) : floors));
  const ratios = rounds.map((r) => r.ratio).filter((r): r is number => r !== null);
  return {
    concurrency: voice.concurrency,
    voice,
    floor: before ?? null,
    floorAfter: after ?? null,
    floorCpuPerCallSecond: floorCpu,
    floorDrift: before !== undefined && after !== undefined && before.cpuPerCallSecond > 0 ? after.cpuPerCallSecond / before.cpuPerCallSecond : null,
    cpuRatioToFloor: median(ratios) ?? null, // one round: its own ratio
    ...(all.length > 1 ? { rounds, laterPhases: [...laterVoices, ...floors.slice(1, -1)] } : {}),
    busiest,
    loadGeneratorSaturated,
    meetsLatencyTargets: all.every(meetsLatencyTargets),
  };
}

function meanFloorCpu(floors: readonly PhaseResult[]): number | null {
  const measured = floors.filter((f) => f.cpuPerCallSecond > 0);
  return measured.length > 0 ? measured.reduce((sum, f) => sum + f.cpuPerCallSecond, 0) / measured.length : null;
}

function ratioRound(voice: PhaseResult, neighbours: readonly PhaseResult[]): RatioRound {
  const floorCpu = meanFloorCpu(neighbours);
  return {
    voiceCpuPerCallSecond: voice.cpuPerCallSecond,
    floorCpuPerCallSecond: floorCpu,
    ratio: floorCpu !== null ? voice.cpuPerCallSecond / floorCpu : null,
    lateFrames: voice.callers.lateFrames,
    overheadP99Ms: voice.overheadMs?.p99 ?? null,
  };
}

/** Highest concurrency that met the latency targets (one voice process = one vCPU); 0 if none. */
export function maxCallsPerVcpu(steps: readonly StepResult[]): number {
  return steps.filter((s) => s.meetsLatencyTargets).reduce((m, s) => Math.max(m, s.concurrency), 0);
}

/** Why stepping up should stop after this step, or null to go on. */
export function stopReason(step: StepResult): string | null {
  if (step.loadGeneratorSaturated) {
    return `the load generator (simulator + emulators) saturated its core(s) at ${step.concurrency} calls: higher steps would measure it, not us`;
  }
  if (step.voice.processes.voice !== undefined && step.voice.processes.voice.coreShare >= SATURATED_CORE_SHARE) {
    return `the voice process saturated its core at ${step.concurrency} calls`;
  }
  const c = step.voice.callers;
  if (c.calls > 0 && c.failed / c.calls > 0.05) return `more than 5% of calls failed at ${step.concurrency} calls`;
  return null;
}
