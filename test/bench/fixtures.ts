import type { BenchResults, PhaseResult, StepResult } from '../../bench/bench-types';
import { combineStep } from '../../bench/step-metrics';

export function phase(overrides: Partial<PhaseResult> & Pick<PhaseResult, 'target' | 'concurrency'>): PhaseResult {
  const calls = overrides.concurrency;
  return {
    windowSec: 20,
    meanActiveCalls: calls,
    callSeconds: calls * 20,
    cpuSec: calls * 20 * 0.002,
    cpuPerCallSecond: 0.002,
    processes: {
      [overrides.target]: { cpuSec: calls * 0.04, coreShare: calls * 0.002 },
      emulators: { cpuSec: 1, coreShare: 0.1 },
      simulator: { cpuSec: 1, coreShare: 0.1 },
    },
    otherLoadOnTargetCore: 0.02,
    idleRssBytes: 100e6,
    steadyRssBytes: 100e6 + calls * 200 * 1024,
    rssPerCallBytes: 200 * 1024,
    idleLiveBytes: overrides.target === 'voice' ? 50e6 : null,
    steadyLiveBytes: overrides.target === 'voice' ? 50e6 + calls * 100 * 1024 : null,
    livePerCallBytes: overrides.target === 'voice' ? 100 * 1024 : null,
    probeLatencyMs: { p50: 1, p95: 2, p99: 3 },
    eventLoopDelayP99Ms: null,
    loopProbe: { delayP99Ms: 12, delayMaxMs: 40, gcPauseMaxMs: 8, gcPauseTotalMs: 300 },
    overheadMs: overrides.target === 'voice' ? { p50: 1, p95: 4, p99: 8 } : null,
    overheadTurns: overrides.target === 'voice' ? calls * 4 : null,
    serviceTurnLatencyMs: null,
    callers: {
      calls: calls * 2,
      completed: calls * 2,
      failed: 0,
      errors: {},
      turns: calls * 8,
      unansweredTurns: 0,
      turnLatencyMs: { p50: 1000, p95: 1100, p99: 1200 },
      lateFrames: 0,
      lateFrameMaxGapMs: 0,
      protocolViolations: 0,
      simulatorMaxTickLagMs: 20,
    },
    ...overrides,
  };
}

export function step(concurrency: number, voice: Partial<PhaseResult> = {}, floorCpuPerCallSecond = 0.001): StepResult {
  return combineStep(
    phase({ target: 'voice', concurrency, ...voice }),
    [phase({ target: 'floor', concurrency, cpuPerCallSecond: floorCpuPerCallSecond })],
    1,
  );
}

export function results(steps: StepResult[]): BenchResults {
  return {
    date: '2026-01-02T03:04:05.000Z',
    mode: 'quick',
    git: { commit: 'abc123', dirty: false },
    machine: { cpus: 2, model: 'Test CPU', node: 'v20.0.0', pinned: true, totalMemBytes: 8e9 },
    settings: {
      steps: steps.map((s) => s.concurrency),
      rampSec: 5,
      settleSec: 3,
      steadySec: 20,
      floorSteadySec: 15,
      realtimeFactor: 1.5,
      voiceFrom: 'bundle',
      logLevel: 'info',
      script: 'bench-conversation',
    },
    steps,
    maxCallsPerVcpu: 0,
    stoppedBecause: null,
    profile: null,
  };
}
