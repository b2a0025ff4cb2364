import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { BENCH_SCRIPTS } from './bench-script';
import type { BenchResults, ProfileSummary, StepResult } from './bench-types';
import { renderChart } from './chart-svg';
import { TARGETS } from './step-metrics';
import { floorText, lateFramesText, ratioText } from './summary-text';

/** docs/benchmarks.md is hand-written prose around blocks the bench regenerates, one per caller script. */
export const BLOCK_START = '<!-- bench:results:start (written by npm run bench; edits inside are overwritten) -->';
export const BLOCK_END = '<!-- bench:results:end -->';

/** The default (stress) script's runs own the original block and chart; another script's get their own. */
const DEFAULT_SCRIPT = BENCH_SCRIPTS.stress.script.name;

export interface DocsTarget {
  start: string;
  end: string;
  /** The chart's file name, in docs/. */
  chart: string;
}

export function docsTargetFor(script: string): DocsTarget {
  if (script === DEFAULT_SCRIPT) return { start: BLOCK_START, end: BLOCK_END, chart: 'benchmarks-chart.svg' };
  return {
    start: `<!-- bench:results:${script}:start (written by npm run bench -- --script; edits inside are overwritten) -->`,
    end: `<!-- bench:results:${script}:end -->`,
    chart: `benchmarks-chart-${script}.svg`,
  };
}

const pct = (share: number | undefined): string => `${Math.round((share ?? 0) * 100)}%`;
const kb = (bytes: number | null): string => (bytes === null ? '-' : `${Math.round(bytes / 1024)}`);
const num = (v: number | undefined | null, digits = 1): string => (v === undefined || v === null ? '-' : v.toFixed(digits));

function stepRow(s: StepResult): string {
  const v = s.voice;
  const c = v.callers;
  return [
    s.concurrency,
    num(v.meanActiveCalls, 0),
    s.rounds === undefined ? num(v.cpuPerCallSecond * 1000, 2) : s.rounds.map((r) => num(r.voiceCpuPerCallSecond * 1000, 2)).join(' / '),
    floorText(s),
    ratioText(s),
    v.overheadMs ? `${num(v.overheadMs.p50, 0)} / ${num(v.overheadMs.p95, 0)} / ${num(v.overheadMs.p99, 0)}` : '-',
    `${num(v.probeLatencyMs.p50)} / ${num(v.probeLatencyMs.p99)}`,
    v.eventLoopDelayP99Ms === null ? '?' : num(v.eventLoopDelayP99Ms),
    v.loopProbe ? `${num(v.loopProbe.delayP99Ms, 0)} / ${num(v.loopProbe.delayMaxMs, 0)} / ${num(v.loopProbe.gcPauseMaxMs, 0)}` : '-',
    lateFramesText(s, ' / '),
    `${c.failed}/${c.calls}`,
    `${c.protocolViolations}`,
    v.lowerLevel === undefined ? '-' : `${kb(v.lowerLevel.rssPerAddedCallBytes)} (${num(v.lowerLevel.meanActiveCalls, 0)} →)`,
    v.peakRssPerCallBytes === undefined ? kb(v.rssPerCallBytes) : `${kb(v.rssPerCallBytes)} / ${kb(v.peakRssPerCallBytes)}`,
    kb(v.livePerCallBytes),
    `${pct(v.processes.voice?.coreShare)} / ${s.floor ? pct(s.floor.processes.floor?.coreShare) : '-'}`,
    `${pct(v.processes.emulators?.coreShare)} / ${pct(v.processes.simulator?.coreShare)}`,
    pct(v.otherLoadOnTargetCore),
    s.meetsLatencyTargets ? 'yes' : 'no',
  ].join(' | ');
}

export function resultsTable(steps: readonly StepResult[]): string {
  const header = [
    'calls',
    'mean up',
    'voice CPU ms / call-s',
    'floor CPU ms / call-s: mean (before → after)',
    'ratio',
    'overhead p50 / p95 / p99 ms',
    'probe p50 / p99 ms',
    'loop delay p99 ms (/api/stats)',
    'loop delay p99 / max, GC pause max ms (preload)',
    'late frames',
    'failed',
    'violations',
    'RSS KB per added call (from calls →)',
    'RSS over idle KB / call (median / peak)',
    'live KB / call (heap + buffers)',
    'CPU voice / floor',
    'CPU emulators / sim',
    'others on core 0',
    'targets met',
  ];
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...steps.map((s) => `| ${stepRow(s)} |`)].join('\n');
}

export function profileTable(p: ProfileSummary): string {
  const rows = p.topOurs.map((e) => `| ${e.functionName} | \`${e.location}\` | ${e.selfMs.toFixed(0)} | ${e.selfPercent.toFixed(1)}% |`);
  const all = p.topAll.slice(0, 8).map((e) => `| ${e.functionName} | \`${e.location}\` | ${e.selfMs.toFixed(0)} | ${e.selfPercent.toFixed(1)}% |`);
  return [
    `Profile: the voice service (sources through tsx) at ${p.concurrency} calls, ${p.durationSec} s, ${(p.totalSampledMs / 1000).toFixed(1)} s sampled; ` +
      `self time in services/voice/src: ${p.oursPercent}% of all samples.`,
    '',
    'Ours (services/voice/src), by self time:',
    '',
    '| function | where | self ms | share |',
    '|---|---|---|---|',
    ...rows,
    '',
    'Everything, by self time (for context):',
    '',
    '| function | where | self ms | share |',
    '|---|---|---|---|',
    ...all,
  ].join('\n');
}

export function generatedBlock(r: BenchResults, resultsPath: string): string {
  const target = docsTargetFor(r.settings.script);
  const s = r.settings;
  return [
    target.start,
    `Run: ${r.date} (${r.mode})${r.git ? ` at ${r.git.commit.slice(0, 8)}${r.git.dirty ? ' + uncommitted changes' : ''}` : ''}, ${r.machine.cpus} × ${r.machine.model}, Node ${r.machine.node}, ` +
      `${r.machine.pinned ? 'voice/floor pinned to core 0, simulator + emulators on the rest' : 'NOT pinned'}; ` +
      `voice from the ${s.voiceFrom === 'bundle' ? 'esbuild bundle' : 'TypeScript sources (tsx)'}, LOG_LEVEL=${s.logLevel}; ` +
      `steps ramp ${s.rampSec} s + settle ${s.settleSec} s, then a ${s.steadySec} s steady window (floor ${s.floorSteadySec} s); ` +
      (s.memorySec !== undefined && s.memorySec > 0
        ? `each voice step first holds half its calls for a ${s.memorySec} s window and then steps up in the same process (RSS per added call); `
        : '') +
      (s.rounds !== undefined && s.rounds > 1
        ? `${s.rounds} rounds per step (floor, then voice and floor ${s.rounds} times; each round holds the half-load window; the ratio is the median of the rounds', each against the floor phases on either side of it; voice CPU per round; memory and the other columns from round 1); `
        : '') +
      `TTS realtimeFactor ${s.realtimeFactor}; caller script \`${s.script}\`. Raw: \`${resultsPath}\`.`,
    '',
    resultsTable(r.steps),
    '',
    `**Highest concurrency per vCPU with overhead p99 ≤ ${TARGETS.overheadP99Ms} ms, no late frames, no failures: ${r.maxCallsPerVcpu}** ` +
      `(target ≥ ${TARGETS.callsPerVcpu}).` +
      (r.stoppedBecause ? ` Stopped stepping up: ${r.stoppedBecause}.` : ''),
    '',
    `![calls vs CPU and overhead p99](${target.chart})`,
    '',
    r.profile ? profileTable(r.profile) : '_No CPU profile in this run (`--profile` adds one)._',
    target.end,
  ].join('\n');
}

/** Replaces the generated block of the target's script, or appends it when the document has none yet. */
export function replaceGeneratedBlock(doc: string, block: string, target: DocsTarget = docsTargetFor(DEFAULT_SCRIPT)): string {
  const start = doc.indexOf(target.start);
  const end = doc.indexOf(target.end);
  if (start === -1 || end === -1 || end < start) return `${doc.trimEnd()}\n\n${block}\n`;
  return `${doc.slice(0, start)}${block}${doc.slice(end + target.end.length)}`;
}

export function chartFor(r: BenchResults): string {
  return renderChart(
    r.steps.map((s) => ({
      calls: s.concurrency,
      voiceCpuPercent: (s.voice.processes.voice?.coreShare ?? 0) * 100,
      floorCpuPercent: s.floor ? (s.floor.processes.floor?.coreShare ?? 0) * 100 : null,
      overheadP99Ms: s.voice.overheadMs?.p99 ?? null,
    })),
    `npm run bench (${r.mode}), ${r.date.slice(0, 10)}, ${r.machine.cpus} vCPU ${r.machine.model}`,
  );
}

/** Writes the script's chart and generated block of docs/benchmarks.md; returns the paths. */
export function writeBenchDocs(repoRoot: string, r: BenchResults, resultsFile: string): string[] {
  const target = docsTargetFor(r.settings.script);
  const docPath = join(repoRoot, 'docs/benchmarks.md');
  const chartPath = join(repoRoot, 'docs', target.chart);
  writeFileSync(chartPath, chartFor(r));
  const doc = existsSync(docPath) ? readFileSync(docPath, 'utf8') : '# Benchmarks\n';
  writeFileSync(docPath, replaceGeneratedBlock(doc, generatedBlock(r, relative(repoRoot, resultsFile)), target));
  return [docPath, chartPath];
}
