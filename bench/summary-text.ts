import type { BenchResults, StepResult } from './bench-types';
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

/** One line per step on stderr while the bench runs. */
export function formatStepLine(s: StepResult): string {
  const v = s.voice;
  const share = (name: string) => `${name} ${Math.round((v.processes[name]?.coreShare ?? 0) * 100)}%`;
  return [
    `step ${s.concurrency}: ${v.meanActiveCalls.toFixed(0)} calls up`,
    `voice ${(v.cpuPerCallSecond * 1000).toFixed(2)} ms CPU/call-s`,
    s.floorCpuPerCallSecond !== null ? `floor ${floorText(s)} (x${s.cpuRatioToFloor?.toFixed(2) ?? '-'})` : 'no floor',
    `overhead p99 ${ms(v.overheadMs?.p99)}`,
    `probe p99 ${ms(v.probeLatencyMs.p99)}`,
    `late ${v.callers.lateFrames}`,
    `failed ${v.callers.failed}/${v.callers.calls}`,
    `RSS/call ${kb(v.rssPerCallBytes)}${v.peakRssPerCallBytes === undefined ? '' : ` (peak ${kb(v.peakRssPerCallBytes)})`}`,
    `live/call ${kb(v.livePerCallBytes)}`,
    `[${share('voice')}, ${share('emulators')}, ${share('simulator')}, others on core 0 ${Math.round(v.otherLoadOnTargetCore * 100)}%]`,
  ].join(' | ');
}

/** Steady RSS added per call from one step to a higher one; null when there are not two steps that differ in calls. */
function rssPerAddedCall(from: StepResult | undefined, to: StepResult | undefined): { from: number; to: number; bytesPerCall: number } | null {
  if (from === undefined || to === undefined || to.voice.meanActiveCalls - from.voice.meanActiveCalls < 1) return null;
  const bytesPerCall = (to.voice.steadyRssBytes - from.voice.steadyRssBytes) / (to.voice.meanActiveCalls - from.voice.meanActiveCalls);
  return { from: from.concurrency, to: to.concurrency, bytesPerCall };
}

/**
 * An RSS difference per call between two steps, in KB. Below zero it measures no call: the lower
 * step's process had grown more (old space's headroom is a one-off that lands where it lands).
 */
export function rssPerCallDeltaText(bytesPerCall: number): string {
  const text = `${Math.round(bytesPerCall / 1024)} KB`;
  return bytesPerCall >= 0 ? text : `${text} (below zero: the lower step's process held more RSS, a per-process one-off, not the calls)`;
}

/** Marginal memory per call between the lowest and highest step: independent of the idle baseline. */
export function marginalRssPerCallBytes(r: BenchResults): number | null {
  return rssPerAddedCall(r.steps[0], r.steps[r.steps.length - 1])?.bytesPerCall ?? null;
}

/**
 * RSS per call added between the two highest steps: what one more call costs once the process
 * has grown its young generation (a one-off of up to 64 MB that the first-to-last figure spreads
 * over the calls).
 */
export function topSlopeRss(r: BenchResults): { from: number; to: number; bytesPerCall: number } | null {
  return rssPerAddedCall(r.steps[r.steps.length - 2], r.steps[r.steps.length - 1]);
}

/** The verdict printed on stdout at the end, against the issue's targets. */
export function headline(r: BenchResults, targets: typeof TARGETS): string {
  const best = r.steps.find((s) => s.concurrency === r.maxCallsPerVcpu);
  const ratios = r.steps.map((s) => s.cpuRatioToFloor).filter((x): x is number => x !== null);
  const worstRatio = ratios.length > 0 ? Math.max(...ratios) : null;
  const last = r.steps[r.steps.length - 1];
  const marginal = marginalRssPerCallBytes(r);
  const slope = topSlopeRss(r);
  const lines = [
    `highest concurrency per vCPU with overhead p99 <= ${targets.overheadP99Ms} ms and no late frames: ${r.maxCallsPerVcpu}` +
      ` (target >= ${targets.callsPerVcpu}: ${r.maxCallsPerVcpu >= targets.callsPerVcpu ? 'met' : 'NOT met'})`,
    `CPU per call-second vs the floor: ${worstRatio === null ? 'not measured' : `worst x${worstRatio.toFixed(2)}`}` +
      ` (target <= x${targets.cpuRatioToFloor}: ${worstRatio !== null && worstRatio <= targets.cpuRatioToFloor ? 'met' : 'NOT met'})`,
    last
      ? `memory per call at ${last.concurrency} calls: RSS ${kb(last.voice.rssPerCallBytes)} over idle, live heap + buffers ${kb(last.voice.livePerCallBytes)}` +
        `${marginal === null ? '' : `, marginal RSS ${rssPerCallDeltaText(marginal)}`}` +
        `${slope === null ? '' : `, RSS per added call ${slope.from} -> ${slope.to}: ${rssPerCallDeltaText(slope.bytesPerCall)}`}` +
        ` (target <= ${kb(targets.memoryPerCallBytes)})`
      : 'no steps ran',
  ];
  if (best) lines.push(`at ${best.concurrency} calls the voice process used ${Math.round((best.voice.processes.voice?.coreShare ?? 0) * 100)}% of its core`);
  if (r.stoppedBecause) lines.push(`stopped stepping up: ${r.stoppedBecause}`);
  return lines.join('\n');
}
