import type { CallResult } from '../call-result';
import type { ViolationKind } from '../protocol/service-messages';
import { type Percentiles, percentiles } from './percentiles';

export interface LoadReport {
  scenario: string;
  mode: 'ramp' | 'steady';
  calls: number;
  completed: number;
  failed: number;
  /** Caller turns that got an agent reply (and so a latency). */
  turns: number;
  /** Caller turns after which no agent audio came before the call ended. */
  unansweredTurns: number;
  turnLatencyMs: Percentiles;
  greetingLatencyMs: Percentiles;
  /** Barge-in speech start -> `clear` received. */
  bargeInClearMs: Percentiles;
  lateFrames: number;
  lateFrameGapMs: number;
  lateFrameMaxGapMs: number;
  protocolViolations: number;
  protocolViolationsByKind: Partial<Record<ViolationKind, number>>;
  errors: Record<string, number>;
  /** The service's own per-turn overhead from `GET /api/stats` after the run; null if unavailable. */
  overheadMs: Percentiles | null;
  durationMs: number;
  peakActiveCalls: number;
  /** Worst lateness of the simulator's 100 ms tick: high values mean the simulator was the bottleneck. */
  simulatorMaxTickLagMs: number;
  /** Per-call results, only when `keepCallResults` was set. */
  callResults?: CallResult[];
}

export interface ReportContext {
  scenario: string;
  mode: LoadReport['mode'];
  durationMs: number;
  peakActiveCalls: number;
  simulatorMaxTickLagMs: number;
  overheadMs: Percentiles | null;
}

export function summarize(results: readonly CallResult[], ctx: ReportContext): LoadReport {
  const turnLatencies: number[] = [];
  const greetings: number[] = [];
  const clears: number[] = [];
  const errors: Record<string, number> = {};
  const byKind: Partial<Record<ViolationKind, number>> = {};
  let completed = 0;
  let unanswered = 0;
  let lateFrames = 0;
  let lateFrameGapMs = 0;
  let lateFrameMaxGapMs = 0;
  let violations = 0;
  for (const r of results) {
    if (r.completed) completed += 1;
    else {
      const reason = r.failureReason ?? 'unknown';
      errors[reason] = (errors[reason] ?? 0) + 1;
    }
    if (r.greetingLatencyMs !== null) greetings.push(r.greetingLatencyMs);
    for (const t of r.turns) {
      if (t.latencyMs === null) unanswered += 1;
      else turnLatencies.push(t.latencyMs);
      if (t.clearAfterMs !== undefined && t.clearAfterMs !== null) clears.push(t.clearAfterMs);
    }
    lateFrames += r.lateFrames.count;
    lateFrameGapMs += r.lateFrames.totalGapMs;
    lateFrameMaxGapMs = Math.max(lateFrameMaxGapMs, r.lateFrames.maxGapMs);
    for (const [kind, n] of Object.entries(r.violationCounts) as Array<[ViolationKind, number]>) {
      byKind[kind] = (byKind[kind] ?? 0) + n;
      violations += n;
    }
  }
  return {
    scenario: ctx.scenario,
    mode: ctx.mode,
    calls: results.length,
    completed,
    failed: results.length - completed,
    turns: turnLatencies.length,
    unansweredTurns: unanswered,
    turnLatencyMs: rounded(percentiles(turnLatencies)),
    greetingLatencyMs: rounded(percentiles(greetings)),
    bargeInClearMs: rounded(percentiles(clears)),
    lateFrames,
    lateFrameGapMs: Math.round(lateFrameGapMs),
    lateFrameMaxGapMs: Math.round(lateFrameMaxGapMs),
    protocolViolations: violations,
    protocolViolationsByKind: byKind,
    errors,
    overheadMs: ctx.overheadMs,
    durationMs: Math.round(ctx.durationMs),
    peakActiveCalls: ctx.peakActiveCalls,
    simulatorMaxTickLagMs: Math.round(ctx.simulatorMaxTickLagMs),
  };
}

/** Reports carry ms to 0.1: finer is noise, and it keeps the JSON readable. */
function rounded(p: Percentiles): Percentiles {
  const r = (v: number) => Math.round(v * 10) / 10;
  return { p50: r(p.p50), p95: r(p.p95), p99: r(p.p99) };
}

function fmt(p: Percentiles): string {
  const one = (v: number) => (Number.isNaN(v) ? '-' : `${Math.round(v)}`);
  return `p50 ${one(p.p50)}  p95 ${one(p.p95)}  p99 ${one(p.p99)} ms`;
}

/** The human-readable report the CLI prints. */
export function formatReport(r: LoadReport): string {
  const lines = [
    `scenario ${r.scenario} (${r.mode}), ${r.calls} calls in ${(r.durationMs / 1000).toFixed(1)} s, peak ${r.peakActiveCalls} concurrent`,
    `completed ${r.completed}, failed ${r.failed}`,
    `turns ${r.turns} (+${r.unansweredTurns} unanswered)`,
    `turn latency      ${fmt(r.turnLatencyMs)}`,
    `greeting latency  ${fmt(r.greetingLatencyMs)}`,
    `barge-in clear    ${fmt(r.bargeInClearMs)}`,
    `service overhead  ${r.overheadMs === null ? 'unavailable' : fmt(r.overheadMs)}`,
    `late frames ${r.lateFrames} (gap total ${r.lateFrameGapMs} ms, longest ${r.lateFrameMaxGapMs} ms)`,
    `protocol violations ${r.protocolViolations}${formatCounts(r.protocolViolationsByKind)}`,
    `simulator max tick lag ${r.simulatorMaxTickLagMs} ms`,
  ];
  if (r.failed > 0) lines.push(`errors${formatCounts(r.errors)}`);
  return lines.join('\n');
}

function formatCounts(counts: Partial<Record<string, number>>): string {
  const entries = Object.entries(counts);
  return entries.length === 0 ? '' : `: ${entries.map(([k, n]) => `${k}=${n ?? 0}`).join(', ')}`;
}
