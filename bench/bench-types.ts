import type { LoadReport } from '../services/exotel-sim/src/index';

/** Shapes of the benchmark's results file (bench/results/<date>.json) and of its parts. */

export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
}

export type TargetName = 'voice' | 'floor';

export interface ProcessUsage {
  cpuSec: number;
  /** cpuSec / window seconds: 1.0 = one core busy all the time. */
  coreShare: number;
}

/** What the load generator (the Exotel simulator process) saw. */
export interface CallerView {
  calls: number;
  completed: number;
  failed: number;
  errors: Record<string, number>;
  turns: number;
  unansweredTurns: number;
  turnLatencyMs: Percentiles;
  lateFrames: number;
  lateFrameMaxGapMs: number;
  protocolViolations: number;
  simulatorMaxTickLagMs: number;
}

export interface PhaseResult {
  target: TargetName;
  concurrency: number;
  windowSec: number;
  meanActiveCalls: number;
  callSeconds: number;
  /** The target process only. */
  cpuSec: number;
  cpuPerCallSecond: number;
  /** Per process over the window: the target, the emulators, the simulator. */
  processes: Record<string, ProcessUsage>;
  /**
   * Share of the target's core used by OTHER processes during the window (/proc/stat busy minus the
   * target's own): the machine is shared, and a busy neighbour delays the target's event loop.
   */
  otherLoadOnTargetCore: number;
  idleRssBytes: number;
  /** Median of the once-a-second RSS samples in the window (before 2026-12-05 22:30: one sample at its end). */
  steadyRssBytes: number;
  rssPerCallBytes: number;
  /** Highest RSS sampled in the window, and that over idle per call (absent in results before 2026-12-05 22:30). */
  peakRssBytes?: number;
  peakRssPerCallBytes?: number;
  /**
   * Voice only: V8 heapUsed + arrayBuffers (audio Buffers live off the heap). Idle = after a full
   * GC the loop probe forces (else one /api/stats sample); steady = the minimum of /api/stats
   * polled every 2 s and of the probe's readings after V8's own mark-compacts in the window: an
   * upper bound of the live set, close to it when a mark-compact ran.
   */
  idleLiveBytes: number | null;
  /**
   * Voice only (absent before 2026-12-06 and with --memory-sec 0): the same process held at a
   * lower load level first, for memory per added call. RSS over a freshly started process charged
   * the calls with the process's one-offs: JIT code, and up to ~36 MB that V8's compiler thread
   * left in its glibc arena in one run of four (docs/benchmarks.md, 2026-12-06).
   */
  lowerLevel?: {
    meanActiveCalls: number;
    windowSec: number;
    /** Median RSS of the lower level's window. */
    steadyRssBytes: number;
    /** (steady RSS − the lower level's) / (mean calls − the lower level's). */
    rssPerAddedCallBytes: number;
  };
  steadyLiveBytes: number | null;
  livePerCallBytes: number | null;
  /** Latency of GET /health every 100 ms during the window: the event loop's delay seen from outside. */
  probeLatencyMs: Percentiles;
  /** From /api/stats `eventLoopDelayMs.p99` (since process start, so ramp included); else null. */
  eventLoopDelayP99Ms: number | null;
  /** From bench/loop-probe.ts preloaded into the target: event-loop delay and GC pauses over the window. */
  loopProbe: { delayP99Ms: number; delayMaxMs: number; gcPauseMaxMs: number; gcPauseTotalMs: number } | null;
  /** Voice only: the service's own per-turn overhead and turn latency. */
  overheadMs: Percentiles | null;
  /** Turns behind overheadMs (the service keeps its last 2,048). */
  overheadTurns: number | null;
  serviceTurnLatencyMs: Percentiles | null;
  callers: CallerView;
}

/** One voice phase of a step and the floor phases on either side of it. */
export interface RatioRound {
  voiceCpuPerCallSecond: number;
  /** The mean of the floor phases just before and just after this voice phase. */
  floorCpuPerCallSecond: number | null;
  ratio: number | null;
  lateFrames: number;
  overheadP99Ms: number | null;
}

export interface StepResult {
  concurrency: number;
  voice: PhaseResult;
  /** The floor measured just before the voice phase. */
  floor: PhaseResult | null;
  /** The floor measured again just after it: the two bracket the voice phase in time. */
  floorAfter: PhaseResult | null;
  /** The mean of the floor phases' CPU per call-second: what the ratio divides by. */
  floorCpuPerCallSecond: number | null;
  /** Floor after ÷ floor before: how much the machine moved while the step ran (1 = not at all). */
  floorDrift: number | null;
  /**
   * Our CPU per call-second over the floor's (the mean of the phases around ours); with more than
   * one round, the median of the rounds' ratios.
   */
  cpuRatioToFloor: number | null;
  /**
   * `--rounds N`: the step ran N voice phases, each between two floor phases, so the ratio is a
   * median of N ratios each measured against its own neighbours in time. `voice` is round 1 (its
   * memory figures are the step's); absent with one round and in runs before 2026-12-06 09:00.
   */
  rounds?: RatioRound[];
  /** Rounds 2..N's voice phases and the floor phases between rounds, raw. */
  laterPhases?: PhaseResult[];
  /** The process that was closest to a full core (or cores) at this step. */
  busiest: { name: string; coreShare: number };
  loadGeneratorSaturated: boolean;
  meetsLatencyTargets: boolean;
}

export interface ProfileEntry {
  functionName: string;
  /** Path relative to the repository, with the line. */
  location: string;
  selfMs: number;
  selfPercent: number;
}

export interface ProfileSummary {
  concurrency: number;
  durationSec: number;
  totalSampledMs: number;
  /** Self time in services/voice/src as a share of all samples. */
  oursPercent: number;
  topOurs: ProfileEntry[];
  /** Top self time anywhere (node internals, ws, SDKs), for context. */
  topAll: ProfileEntry[];
  file: string;
}

export interface BenchResults {
  date: string;
  mode: 'quick' | 'full';
  /** The commit measured; dirty = the working tree had uncommitted changes (the bundle is built from it). */
  git: { commit: string; dirty: boolean } | null;
  machine: { cpus: number; model: string; node: string; pinned: boolean; totalMemBytes: number };
  settings: {
    steps: number[];
    rampSec: number;
    settleSec: number;
    steadySec: number;
    floorSteadySec: number;
    /** The lower level's window before each voice step (absent before 2026-12-06; 0: none). */
    memorySec?: number;
    /** Voice phases per step, each bracketed by floor phases (absent before 2026-12-06 09:00: 1). */
    rounds?: number;
    realtimeFactor: number;
    voiceFrom: 'bundle' | 'tsx';
    logLevel: string;
    script: string;
  };
  steps: StepResult[];
  /** Highest step meeting overhead p99 <= 20 ms, 0 late frames, no failures — divided by the voice process's cores (1). */
  maxCallsPerVcpu: number;
  stoppedBecause: string | null;
  profile: ProfileSummary | null;
}

export function callerView(r: LoadReport): CallerView {
  return {
    calls: r.calls,
    completed: r.completed,
    failed: r.failed,
    errors: r.errors,
    turns: r.turns,
    unansweredTurns: r.unansweredTurns,
    turnLatencyMs: r.turnLatencyMs,
    lateFrames: r.lateFrames,
    lateFrameMaxGapMs: r.lateFrameMaxGapMs,
    protocolViolations: r.protocolViolations,
    simulatorMaxTickLagMs: r.simulatorMaxTickLagMs,
  };
}
