import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { z } from 'zod';
import { percentiles } from '../services/shared/src/percentiles';
import { VOICE_IMAGE_ENV, VOICE_IMAGE_NODE_FLAGS } from '../scripts/build-voice';
import { freePort } from '../test/support/free-port';
import type { LoadReport } from '../services/exotel-sim/src/index';
import { type PhaseResult, type ProcessUsage, type TargetName, callerView } from './bench-types';
import type { BenchScriptName } from './bench-script';
import { type RunningChild, TS_LOADER_FLAGS, firstLine, startChild, waitForHttp } from './child-process';
import { sampleCoresBusySec, sampleProcess } from './proc-stats';
import { type TimedSample, counterDelta, lowerLevelMemory, meanIn, median, perCall, valuesIn } from './step-metrics';

/** How the voice service is launched: the production bundle, or the TypeScript sources through tsx. */
export interface VoiceLaunch {
  kind: 'bundle' | 'tsx';
  /** The bundle's index.js, or services/voice/src/main.ts. */
  entry: string;
  logLevel: string;
}

export interface PhaseContext {
  repoRoot: string;
  logDir: string;
  emulatorsUrl: string;
  emulatorsPid: number;
  /** Core list for the process under test, and for the load generator. */
  targetCpus: string;
  /** The same cores as numbers, to read their machine-wide busy time from /proc/stat. */
  targetCoreIds: number[];
  loadGenCpus: string;
  voice: VoiceLaunch;
  /** Bundled bench/loop-probe.ts, preloaded into the target to read its event-loop delay and GC pauses. */
  loopProbe: string | null;
  realtimeFactor: number;
  /** The caller every call runs (bench-script.ts). */
  script: BenchScriptName;
  /** Limits the emulators enforce; the voice service's LIMIT_* are set to the same. */
  providerLimit: number;
  log: (msg: string) => void;
}

export interface PhaseTiming {
  rampSec: number;
  settleSec: number;
  steadySec: number;
}

export interface PhaseOptions extends PhaseTiming {
  target: TargetName;
  concurrency: number;
  /** Extra node flags for the target (e.g. --cpu-prof) — the profile run. */
  targetNodeFlags?: string[];
  /**
   * Hold `calls` first, ramped and settled as the full load is, and read RSS over a window of
   * `windowSec`; then ramp to `concurrency` in the same process (PhaseResult.lowerLevel).
   */
  lowerLevel?: { calls: number; windowSec: number };
}

const statsSchema = z
  .object({
    turns: z
      .object({
        overheadMs: z.object({ p50: z.number(), p95: z.number(), p99: z.number(), count: z.number().optional() }),
        turnLatencyMs: z.object({ p50: z.number(), p95: z.number(), p99: z.number() }),
      })
      .optional(),
    memory: z.object({ rssBytes: z.number(), heapUsedBytes: z.number(), arrayBuffersBytes: z.number().optional() }).optional(),
    eventLoopDelayP99Ms: z.number().optional(),
    eventLoop: z.object({ delayP99Ms: z.number() }).partial().optional(),
    /** What the service exposes: monitorEventLoopDelay since start (so it includes the ramp). */
    eventLoopDelayMs: z.object({ p99: z.number() }).partial().optional(),
  })
  .passthrough();
export type ServiceStats = z.infer<typeof statsSchema>;

/** The live set as the service reports it: V8 heap in use plus array buffers (off-heap audio). */
export function liveBytes(stats: ServiceStats | undefined): number | undefined {
  const m = stats?.memory;
  return m === undefined ? undefined : m.heapUsedBytes + (m.arrayBuffersBytes ?? 0);
}

async function fetchStats(baseUrl: string): Promise<ServiceStats | undefined> {
  try {
    const res = await fetch(`${baseUrl}/api/stats`, { signal: AbortSignal.timeout(5000) });
    if (!res.ok) return undefined;
    const parsed = statsSchema.safeParse(await res.json());
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));

/**
 * Extra V8 flags for the voice process, for A/B runs, after the image's own (VOICE_IMAGE_NODE_FLAGS;
 * a later flag wins, so `--no-single-threaded-gc` measures without it).
 */
export const VOICE_RUNTIME_NODE_FLAGS: string[] = (process.env.BENCH_VOICE_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean);
/** The same for the floor process (`BENCH_FLOOR_NODE_FLAGS`, e.g. `--perf-prof` to profile it with perf). */
export const FLOOR_RUNTIME_NODE_FLAGS: string[] = (process.env.BENCH_FLOOR_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean);

export async function startTarget(
  ctx: PhaseContext,
  target: TargetName,
  tag: string,
  nodeFlags: string[] = [],
): Promise<{ child: RunningChild; baseUrl: string; loopStatsFile: string | null }> {
  const port = await freePort();
  const loopStatsFile = ctx.loopProbe === null ? null : join(ctx.logDir, `loop-${tag}.jsonl`);
  // --expose-gc lets the probe measure the idle live set after a full collection (loop-probe.ts).
  const probeFlags = ctx.loopProbe === null ? [] : ['--expose-gc', '--require', ctx.loopProbe];
  const probeEnv = loopStatsFile === null ? {} : { BENCH_LOOP_STATS_FILE: loopStatsFile };
  const baseUrl = `http://127.0.0.1:${port}`;
  const limit = String(ctx.providerLimit);
  const child =
    target === 'voice'
      ? startChild({
          name: 'voice',
          nodeFlags: [
            ...(ctx.voice.kind === 'tsx' ? TS_LOADER_FLAGS : []),
            ...VOICE_IMAGE_NODE_FLAGS, // as the image runs it (--enable-source-maps included)
            ...VOICE_RUNTIME_NODE_FLAGS,
            ...probeFlags,
            ...nodeFlags,
          ],
          args: [ctx.voice.entry],
          cpus: ctx.targetCpus,
          logFile: join(ctx.logDir, `voice-${tag}.log`),
          ipc: ctx.loopProbe !== null,
          env: {
            ...probeEnv,
            ...VOICE_IMAGE_ENV, // as the image runs it
            PORT: String(port),
            HOST: '127.0.0.1',
            LOG_LEVEL: ctx.voice.logLevel,
            AGENTS_FILE: join(ctx.repoRoot, 'agents.json'),
            DATA_DIR: join(ctx.logDir, 'data'),
            DEEPGRAM_API_KEY: 'bench',
            DEEPGRAM_URL: ctx.emulatorsUrl,
            OPENAI_API_KEY: 'bench',
            OPENAI_BASE_URL: `${ctx.emulatorsUrl}/v1`,
            ELEVENLABS_API_KEY: 'bench',
            ELEVENLABS_BASE_URL: ctx.emulatorsUrl,
            LIMIT_DEEPGRAM_STT: limit,
            LIMIT_ELEVENLABS_TTS: limit,
            LIMIT_DEEPGRAM_TTS: limit,
            LIMIT_OPENAI_LLM: limit,
            MAX_CALLS_PER_TASK: '100000',
            DRAIN_DEADLINE_SEC: '2',
            REDIS_URL: '',
            MONGODB_URI: '',
            STREAM_AUTH_MODE: 'disabled',
            // The bundle's externals (bufferutil) resolve from node_modules, as in the image where
            // they are copied next to the bundle; the bundle itself sits in the run's temp dir.
            ...(ctx.voice.kind === 'bundle' ? { NODE_PATH: join(ctx.repoRoot, 'node_modules') } : {}),
          },
        })
      : startChild({
          name: 'floor',
          nodeFlags: [...TS_LOADER_FLAGS, ...FLOOR_RUNTIME_NODE_FLAGS, ...probeFlags, ...nodeFlags],
          args: [
            join(ctx.repoRoot, 'bench/floor-forwarder.ts'),
            '--port',
            String(port),
            '--stt-url',
            ctx.emulatorsUrl,
            '--realtime-factor',
            String(ctx.realtimeFactor),
          ],
          cpus: ctx.targetCpus,
          logFile: join(ctx.logDir, `floor-${tag}.log`),
          env: probeEnv,
        });
  try {
    await waitForHttp(`${baseUrl}/health`, 30_000, child.exited);
  } catch (err) {
    await child.stop('SIGKILL');
    throw err;
  }
  return { child, baseUrl, loopStatsFile };
}

const loopLineSchema = z.object({
  atMs: z.number(),
  delayP99Ms: z.number(),
  delayMaxMs: z.number(),
  gcPauseMaxMs: z.number(),
  gcPauseTotalMs: z.number(),
  liveAfterMajorGcMinBytes: z.number().nullable().optional(),
});

const liveReplySchema = z.object({ type: z.literal('live'), liveBytes: z.number().nullable() });

/** Bundles bench/loop-probe.ts from `sourceRoot` into `outDir` for `node --require`; returns its path. */
export function buildLoopProbe(sourceRoot: string, outDir: string): string {
  const outfile = join(outDir, 'loop-probe.js');
  buildSync({ entryPoints: [join(sourceRoot, 'bench/loop-probe.ts')], outfile, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'silent' });
  return outfile;
}

/** The target's live set after a forced full GC, from the loop probe (undefined without one). */
export async function measureLiveAfterFullGc(child: RunningChild): Promise<number | undefined> {
  const reply = await child.request(
    { type: 'measure-live' },
    (m) => {
      const parsed = liveReplySchema.safeParse(m);
      return parsed.success ? parsed.data : undefined;
    },
    10_000,
  );
  return reply?.liveBytes ?? undefined;
}

/** The probe's last line written at or before `atMs` (its figures cover everything since the window opened). */
export function loopStatsAt(text: string, atMs: number): z.infer<typeof loopLineSchema> | undefined {
  let last: z.infer<typeof loopLineSchema> | undefined;
  for (const line of text.split('\n')) {
    if (!line) continue;
    try {
      const parsed = loopLineSchema.safeParse(JSON.parse(line));
      if (parsed.success && parsed.data.atMs <= atMs) last = parsed.data;
    } catch {
      // a line cut short by the process exiting
    }
  }
  return last;
}

const progressSchema = z.object({ type: z.literal('progress'), elapsedMs: z.number(), active: z.number() });
const reportLineSchema = z.object({ type: z.literal('report'), report: z.unknown() });

/**
 * One phase: a fresh target process (voice or floor) under `concurrency` steady calls. CPU and
 * memory are read from /proc over the steady window only (after ramp + settle, before the
 * simulator stops replacing calls); then the simulator lets in-flight calls finish and reports.
 */
export async function runPhase(ctx: PhaseContext, opts: PhaseOptions): Promise<PhaseResult> {
  const tag = `${opts.target}-${opts.concurrency}`;
  const { child: target, baseUrl, loopStatsFile } = await startTarget(ctx, opts.target, tag, opts.targetNodeFlags);
  try {
    await sleep(1000); // let start-up garbage settle before the idle baseline
    const idleStats = opts.target === 'voice' ? await fetchStats(baseUrl) : undefined;
    const idleLiveAfterGc = opts.target === 'voice' ? await measureLiveAfterFullGc(target) : undefined;
    const idle = sampleProcess(target.pid);
    if (idle === undefined) throw new Error(`${opts.target} exited before the load started`);
    let targetExitCode: number | null | undefined;
    void target.exited.then((code) => (targetExitCode = code));

    const active: TimedSample<number>[] = [];
    let report: LoadReport | undefined;
    const lower = opts.lowerLevel !== undefined && opts.lowerLevel.calls < opts.concurrency ? opts.lowerLevel : undefined;
    // The lower level's ramp, settle and window come first; then the step up, ramped and settled alike.
    const lowerSec = lower === undefined ? 0 : opts.rampSec + opts.settleSec + lower.windowSec;
    const durationSec = lowerSec + opts.rampSec + opts.settleSec + opts.steadySec;
    const workerOptions = {
      target: baseUrl.replace(/^http/, 'ws'),
      concurrency: lower?.calls ?? opts.concurrency,
      ...(lower === undefined ? {} : { stepUp: { atSec: lowerSec, concurrency: opts.concurrency } }),
      durationSec,
      rampSec: opts.rampSec,
      script: ctx.script,
    };
    const sim = startChild({
      name: 'simulator',
      nodeFlags: TS_LOADER_FLAGS,
      args: [join(ctx.repoRoot, 'bench/load-worker.ts'), JSON.stringify(workerOptions)],
      cpus: ctx.loadGenCpus,
      logFile: join(ctx.logDir, `simulator-${tag}.log`),
      onLine: (line) => {
        let json: unknown;
        try {
          json = JSON.parse(line);
        } catch {
          return;
        }
        const progress = progressSchema.safeParse(json);
        if (progress.success) active.push({ atMs: Date.now(), value: progress.data.active });
        const done = reportLineSchema.safeParse(json);
        if (done.success) report = done.data.report as LoadReport;
      },
    });
    const startedAtMs = Date.now();
    const lowerWindowStartMs = startedAtMs + (opts.rampSec + opts.settleSec) * 1000;
    const windowStartMs = startedAtMs + (lowerSec + opts.rampSec + opts.settleSec) * 1000;
    const windowEndMs = startedAtMs + durationSec * 1000;

    const pids: Record<string, number> = { [opts.target]: target.pid, emulators: ctx.emulatorsPid, simulator: sim.pid };
    const cpu: Record<string, TimedSample<number>[]> = Object.fromEntries(Object.keys(pids).map((k) => [k, []]));
    const rss: TimedSample<number>[] = [];
    // Everything that ran on the target's core, ours or not: the machine may be shared.
    const targetCoreBusy: TimedSample<number>[] = [];
    const sampleAll = (): void => {
      const atMs = Date.now();
      const busy = sampleCoresBusySec(ctx.targetCoreIds);
      if (busy !== undefined) targetCoreBusy.push({ atMs, value: busy });
      for (const [name, pid] of Object.entries(pids)) {
        const s = sampleProcess(pid);
        if (s === undefined) continue;
        cpu[name]?.push({ atMs, value: s.cpuSec });
        if (name === opts.target) rss.push({ atMs, value: s.rssBytes });
      }
    };
    const sampler = setInterval(sampleAll, 1000);
    sampleAll();

    // The event loop's delay, seen from outside: /health answers as soon as the loop gets to it.
    const probeMs: number[] = [];
    const probing = (async () => {
      await sleep(windowStartMs - Date.now());
      if (loopStatsFile !== null) process.kill(target.pid, 'SIGUSR2'); // the loop probe starts its window
      while (Date.now() < windowEndMs) {
        const t0 = performance.now();
        try {
          await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(2000) });
          probeMs.push(performance.now() - t0);
        } catch {
          probeMs.push(2000);
        }
        await sleep(100);
      }
    })();

    // heapUsed swings with every collection; its minimum over the window bounds the live set from
    // above (old-space garbage stays until a mark-compact). Array buffers (audio: Buffers live off
    // the V8 heap) are freed with their JS handles, so they are added before taking the minimum.
    const heapSamples: number[] = [];
    const heapPolling =
      opts.target === 'voice'
        ? (async () => {
            await sleep(windowStartMs - Date.now());
            while (Date.now() < windowEndMs) {
              const live = liveBytes(await fetchStats(baseUrl));
              if (live !== undefined) heapSamples.push(live);
              await sleep(2000);
            }
          })()
        : Promise.resolve();

    let lastLog = 0;
    while (Date.now() < windowEndMs + 500) {
      await sleep(500);
      if (Date.now() - lastLog > 10_000) {
        lastLog = Date.now();
        const a = active[active.length - 1]?.value ?? 0;
        ctx.log(`  ${tag}: ${Math.round((Date.now() - startedAtMs) / 1000)}s, ${a} calls up`);
      }
    }
    sampleAll();
    const endStats = opts.target === 'voice' ? await fetchStats(baseUrl) : undefined;
    await sleep(1100); // the loop probe writes once a second
    const loop = loopStatsFile !== null && existsSync(loopStatsFile) ? loopStatsAt(readFileSync(loopStatsFile, 'utf8'), windowEndMs + 1000) : undefined;
    await probing;
    await heapPolling;
    clearInterval(sampler);

    ctx.log(`  ${tag}: window over; the callers still on the line hang up`);
    await sim.exited;
    if (report === undefined) throw new Error(`simulator for ${tag} ended without a report (see ${ctx.logDir})`);
    if (targetExitCode !== undefined) {
      throw new Error(`${opts.target} exited (code ${targetExitCode}) during the ${tag} phase: see ${join(ctx.logDir, `${tag.split('-')[0]}-${tag}.log`)}`);
    }

    const processes: Record<string, ProcessUsage> = {};
    let windowSec = 0;
    for (const name of Object.keys(pids)) {
      const d = counterDelta(cpu[name] ?? [], windowStartMs, windowEndMs);
      if (name === opts.target) windowSec = d.seconds;
      processes[name] = { cpuSec: d.delta, coreShare: d.seconds > 0 ? d.delta / d.seconds : 0 };
    }
    const coreBusy = counterDelta(targetCoreBusy, windowStartMs, windowEndMs);
    const targetCoreBusyShare = coreBusy.seconds > 0 ? coreBusy.delta / coreBusy.seconds / Math.max(1, ctx.targetCoreIds.length) : 0;
    const meanActiveCalls = meanIn(active, windowStartMs, windowEndMs);
    const callSeconds = meanActiveCalls * windowSec;
    const targetCpu = processes[opts.target]?.cpuSec ?? 0;
    // RSS climbs with old space between mark-compacts and drops after one: a single sample lands
    // anywhere on that saw-tooth (one end-of-window sample read 195 or 287 KB per call in runs of
    // the same build). The median of the window's once-a-second samples is the steady figure; the
    // peak is what a task's memory limit must hold.
    const windowRss = valuesIn(rss, windowStartMs, windowEndMs);
    const steadyRss = median(windowRss) ?? idle.rssBytes;
    const peakRss = windowRss.length > 0 ? Math.max(...windowRss) : steadyRss;
    const lowerLevel = lower === undefined ? undefined : lowerLevelMemory(rss, active, lowerWindowStartMs, lowerWindowStartMs + lower.windowSec * 1000, steadyRss, meanActiveCalls);
    // Both are upper bounds of the live set; the idle one is exact when the probe forced a full GC.
    const idleHeap = idleLiveAfterGc ?? liveBytes(idleStats) ?? null;
    const endHeap = liveBytes(endStats);
    if (endHeap !== undefined) heapSamples.push(endHeap);
    if (opts.target === 'voice' && typeof loop?.liveAfterMajorGcMinBytes === 'number') heapSamples.push(loop.liveAfterMajorGcMinBytes);
    const steadyHeap = heapSamples.length > 0 ? Math.min(...heapSamples) : null;
    const p = percentiles(probeMs);
    const round1 = (v: number) => Math.round(v * 10) / 10;
    return {
      target: opts.target,
      concurrency: opts.concurrency,
      windowSec,
      meanActiveCalls,
      callSeconds,
      cpuSec: targetCpu,
      cpuPerCallSecond: callSeconds > 0 ? targetCpu / callSeconds : 0,
      processes,
      otherLoadOnTargetCore: Math.max(0, targetCoreBusyShare - (processes[opts.target]?.coreShare ?? 0)),
      idleRssBytes: idle.rssBytes,
      steadyRssBytes: steadyRss,
      rssPerCallBytes: perCall(steadyRss, idle.rssBytes, meanActiveCalls),
      peakRssBytes: peakRss,
      peakRssPerCallBytes: perCall(peakRss, idle.rssBytes, meanActiveCalls),
      ...(lowerLevel === undefined ? {} : { lowerLevel }),
      idleLiveBytes: idleHeap,
      steadyLiveBytes: steadyHeap,
      livePerCallBytes: idleHeap !== null && steadyHeap !== null ? perCall(steadyHeap, idleHeap, meanActiveCalls) : null,
      probeLatencyMs: { p50: round1(p.p50), p95: round1(p.p95), p99: round1(p.p99) },
      eventLoopDelayP99Ms: endStats?.eventLoopDelayP99Ms ?? endStats?.eventLoop?.delayP99Ms ?? endStats?.eventLoopDelayMs?.p99 ?? null,
      loopProbe: loop ? { delayP99Ms: loop.delayP99Ms, delayMaxMs: loop.delayMaxMs, gcPauseMaxMs: loop.gcPauseMaxMs, gcPauseTotalMs: loop.gcPauseTotalMs } : null,
      overheadMs: endStats?.turns?.overheadMs
        ? { p50: endStats.turns.overheadMs.p50, p95: endStats.turns.overheadMs.p95, p99: endStats.turns.overheadMs.p99 }
        : null,
      overheadTurns: endStats?.turns?.overheadMs?.count ?? null,
      serviceTurnLatencyMs: endStats?.turns?.turnLatencyMs ?? null,
      callers: callerView(report),
    };
  } finally {
    await target.stop('SIGTERM', 8000);
  }
}

/** Starts the provider emulators (limits raised, TTS pace set) and returns their URL. */
export async function startEmulatorsProcess(
  repoRoot: string,
  logDir: string,
  cpus: string,
  limit: number,
  realtimeFactor: number,
  sttLines?: readonly string[],
): Promise<{ child: RunningChild; url: string }> {
  let listener: ((line: string) => void) | undefined;
  const child = startChild({
    name: 'emulators',
    nodeFlags: TS_LOADER_FLAGS,
    args: [
      join(repoRoot, 'services/emulators/src/cli.ts'),
      ...['--stt-limit', '--dg-tts-limit', '--openai-limit', '--el-limit'].flatMap((f) => [f, String(limit)]),
      '--realtime-factor',
      String(realtimeFactor),
      ...(sttLines ? ['--config', JSON.stringify({ deepgramStt: { defaultScript: sttLines } })] : []),
    ],
    cpus,
    logFile: join(logDir, 'emulators.log'),
    onLine: (line) => listener?.(line),
  });
  const url = await firstLine(
    (l) => (listener = l),
    child.exited,
    (line) => {
      try {
        const parsed = z.object({ url: z.string() }).safeParse(JSON.parse(line));
        return parsed.success ? parsed.data.url : undefined;
      } catch {
        return undefined;
      }
    },
    30_000,
    'emulators',
  );
  return { child, url };
}
