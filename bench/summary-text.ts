import type { BenchResults, PhaseResult, StepResult } from './bench-types';
import type { TARGETS } from './step-metrics';

const kb = (bytes: number | null): string => (bytes === null ? '-' : `${Math.round(bytes / 1024)} KB`);
const ms = (v: number | undefined): string => (v === undefined ? '-' : `${Math.round(v * 10) / 10} ms`);

/** The floor's CPU per call-second: the mean, and the phases before and after ours when both ran. */
export function floorText(s: StepResult): string {
  const f = (v: number): string => (v * 1000).toFixed(2);
  if (s.floorCpuPerCallSecond === null) return '-';
  if (s.floor === null || s.floorAfter === null) return f(s.floorCpuPerCallSecond);
  return `${f(s.floorCpuPerCallSecond)} (${f(s.floor.cpuPerCallSecond)} → ${f(s.floorAfter.cpuPerCallSecond)})`;
}

/**
 * The step's ratio as judged: one ratio, or with several rounds their median followed by each
 * round's (voice ÷ the floor around it) in the order they ran.
 */
export function ratioText(s: StepResult): string {
  if (s.cpuRatioToFloor === null) return '-';
  const judged = `x${s.cpuRatioToFloor.toFixed(2)}`;
  if (s.rounds === undefined) return judged;
  const each = s.rounds.map((r) => (r.ratio === null ? '-' : `x${r.ratio.toFixed(2)}`)).join(', ');
  return `${judged}, median of ${s.rounds.length} rounds: ${each}`;
}

/** Late frames: the step's, or each round's in the order they ran. */
export function lateFramesText(s: StepResult, separator: string): string {
  return s.rounds === undefined ? `${s.voice.callers.lateFrames}` : s.rounds.map((r) => r.lateFrames).join(separator);
}

/** One line per step on stderr while the bench runs. */
export function formatStepLine(s: StepResult): string {
  const v = s.voice;
  const share = (name: string) => `${name} ${Math.round((v.processes[name]?.coreShare ?? 0) * 100)}%`;
  return [
    `step ${s.concurrency}: ${v.meanActiveCalls.toFixed(0)} calls up`,
    `voice ${(v.cpuPerCallSecond * 1000).toFixed(2)} ms CPU/call-s`,
    s.floorCpuPerCallSecond !== null ? `floor ${floorText(s)} (${ratioText(s)})` : 'no floor',
    `overhead p99 ${ms(v.overheadMs?.p99)}`,
    `probe p99 ${ms(v.probeLatencyMs.p99)}`,
    `late ${lateFramesText(s, '/')}`,
    `failed ${v.callers.failed}/${v.callers.calls}`,
    `RSS/call ${kb(v.rssPerCallBytes)}${v.peakRssPerCallBytes === undefined ? '' : ` (peak ${kb(v.peakRssPerCallBytes)})`}` +
      `${v.lowerLevel === undefined ? '' : `, per added call ${kb(v.lowerLevel.rssPerAddedCallBytes)}`}`,
    `live/call ${kb(v.livePerCallBytes)}`,
    `[${share('voice')}, ${share('emulators')}, ${share('simulator')}, others on core 0 ${Math.round(v.otherLoadOnTargetCore * 100)}%]`,
  ].join(' | ');
}

/**
 * RSS per call added from the lower level to the full load in one process (PhaseResult.lowerLevel),
 * the figure held against the target; null when the step ran without a lower level.
 */
export function rssPerAddedCallText(v: PhaseResult): string | null {
  const l = v.lowerLevel;
  if (l === undefined) return null;
  const text = `${Math.round(l.rssPerAddedCallBytes / 1024)} KB per call added ${Math.round(l.meanActiveCalls)} -> ${Math.round(v.meanActiveCalls)}`;
  // Below zero measures no call: the process held more RSS at the lower level (old space's headroom
  // is a one-off that lands where it lands).
  return l.rssPerAddedCallBytes >= 0 ? text : `${text} (below zero: the process held more RSS at the lower level, not the calls)`;
}

/** The memory figure judged against the target: per added call when measured, else over idle. */
export function memoryPerCallBytes(v: PhaseResult): number {
  return v.lowerLevel?.rssPerAddedCallBytes ?? v.rssPerCallBytes;
}

function memoryHeadline(v: PhaseResult, targets: typeof TARGETS): string {
  const added = rssPerAddedCallText(v);
  const judged = memoryPerCallBytes(v);
  return (
    `memory at ${v.concurrency} calls: RSS ${added ?? `${kb(v.rssPerCallBytes)} per call over idle`}` +
    ` (target <= ${kb(targets.memoryPerCallBytes)}: ${judged <= targets.memoryPerCallBytes ? 'met' : 'NOT met'})` +
    `${added === null ? '' : `; over a freshly started process ${kb(v.rssPerCallBytes)} per call`}` +
    `; live heap + buffers ${kb(v.livePerCallBytes)} per call`
  );
}

/** The verdict printed on stdout at the end, against the issue's targets. */
export function headline(r: BenchResults, targets: typeof TARGETS): string {
  const best = r.steps.find((s) => s.concurrency === r.maxCallsPerVcpu);
  const ratios = r.steps.map((s) => s.cpuRatioToFloor).filter((x): x is number => x !== null);
  const worstRatio = ratios.length > 0 ? Math.max(...ratios) : null;
  const rounds = r.settings.rounds ?? 1;
  const last = r.steps[r.steps.length - 1];
  const lines = [
    `highest concurrency per vCPU with overhead p99 <= ${targets.overheadP99Ms} ms and no late frames: ${r.maxCallsPerVcpu}` +
      ` (target >= ${targets.callsPerVcpu}: ${r.maxCallsPerVcpu >= targets.callsPerVcpu ? 'met' : 'NOT met'})`,
    `CPU per call-second vs the floor: ${worstRatio === null ? 'not measured' : `worst x${worstRatio.toFixed(2)}`}` +
      (rounds > 1 && worstRatio !== null ? ` (each step's median of ${rounds} rounds)` : '') +
      ` (target <= x${targets.cpuRatioToFloor}: ${worstRatio !== null && worstRatio <= targets.cpuRatioToFloor ? 'met' : 'NOT met'})`,
    last ? memoryHeadline(last.voice, targets) : 'no steps ran',
  ];
  if (best) lines.push(`at ${best.concurrency} calls the voice process used ${Math.round((best.voice.processes.voice?.coreShare ?? 0) * 100)}% of its core`);
  if (r.stoppedBecause) lines.push(`stopped stepping up: ${r.stoppedBecause}`);
  return lines.join('\n');
}
