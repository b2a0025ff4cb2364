import { parseStatCpuTicks, parseStatusRssBytes, sampleProcess } from '../../bench/proc-stats';
import {
  SATURATED_CORE_SHARE,
  combineStep,
  counterDelta,
  lowerLevelMemory,
  maxCallsPerVcpu,
  meanIn,
  median,
  meetsLatencyTargets,
  nearest,
  perCall,
  stopReason,
  valuesIn,
} from '../../bench/step-metrics';
import { liveBytes } from '../../bench/phase-runner';
import { phase, step } from './fixtures';

describe('reading /proc', () => {
  it('takes utime + stime from a stat line whose command name holds spaces and parentheses', () => {
    const line = '1234 (node (tsx) x) S 1 1234 1234 0 -1 4194304 100 0 0 0 250 75 0 0 20 0 11 0 555 1000 2000';
    expect(parseStatCpuTicks(line)).toBe(325);
  });

  it('reads VmRSS in bytes, and refuses text without it', () => {
    expect(parseStatusRssBytes('Name:\tnode\nVmRSS:\t  204800 kB\nThreads:\t11\n')).toBe(204800 * 1024);
    expect(() => parseStatusRssBytes('Name:\tnode\n')).toThrow(/VmRSS/);
  });

  it('samples this very process, and reports nothing for a pid that does not exist', () => {
    if (process.platform !== 'linux') return;
    const s = sampleProcess(process.pid);
    expect(s?.rssBytes).toBeGreaterThan(1024 * 1024);
    expect(s?.cpuSec).toBeGreaterThan(0);
    expect(sampleProcess(2 ** 30)).toBeUndefined();
  });
});

describe('window arithmetic', () => {
  /** One sample a second from t = 0, as the bench's sampler takes them. */
  const everySecond = (...values: number[]) => values.map((value, i) => ({ atMs: i * 1000, value }));
  const cpu = everySecond(1, 1.5, 2.5, 3.0);

  it('uses the samples nearest the window edges', () => {
    expect(nearest(cpu, 1400)?.atMs).toBe(1000);
    expect(counterDelta(cpu, 900, 2100)).toEqual({ delta: 1, seconds: 1 });
    expect(counterDelta(cpu, 2000, 2000)).toEqual({ delta: 0, seconds: 0 });
    expect(counterDelta([], 0, 1000)).toEqual({ delta: 0, seconds: 0 });
  });

  it('averages only what was sampled inside the window', () => {
    const active = everySecond(3, 100, 102, 40);
    expect(meanIn(active, 500, 2500)).toBe(101);
    expect(meanIn(active, 5000, 6000)).toBe(0);
  });

  it('takes the median of the samples inside the window, so one sample on the saw-tooth does not decide', () => {
    const rss = everySecond(50, 200, 210, 290, 205, 999);
    expect(valuesIn(rss, 500, 4500)).toEqual([200, 210, 290, 205]);
    expect(median(valuesIn(rss, 500, 4500))).toBe(207.5);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([])).toBeUndefined();
  });

  it('divides memory over the baseline by calls, never below zero', () => {
    expect(perCall(300, 100, 4)).toBe(50);
    expect(perCall(90, 100, 4)).toBe(0);
    expect(perCall(300, 100, 0)).toBe(0);
  });

  it("takes the lower level's median RSS and mean calls over its window, and divides the RSS added by the calls added", () => {
    // 0-1 s ramp, 2-4 s the lower level's window (100 calls), then the full load (300 calls).
    const rss = everySecond(80, 150, 200, 260, 210, 290, 400);
    const active = everySecond(40, 90, 100, 100, 100, 200, 300);
    const m = lowerLevelMemory(rss, active, 2000, 4000, 410e6 / 1e6, 300);
    expect(m).toEqual({ meanActiveCalls: 100, windowSec: 2, steadyRssBytes: 210, rssPerAddedCallBytes: (410 - 210) / 200 });
    // Not clamped: less RSS at the full load than at the lower level reads below zero.
    expect(lowerLevelMemory(rss, active, 2000, 4000, 110, 300)?.rssPerAddedCallBytes).toBeCloseTo(-0.5, 9);
    // Nothing sampled in the window, or no calls added: no figure.
    expect(lowerLevelMemory(rss, active, 9000, 9500, 410, 300)).toBeUndefined();
    expect(lowerLevelMemory(rss, active, 2000, 4000, 410, 100)).toBeUndefined();
  });
});

describe('verdicts', () => {
  it('needs overhead p99 within 20 ms, no late frames, no failures and no protocol violations', () => {
    expect(meetsLatencyTargets(phase({ target: 'voice', concurrency: 50 }))).toBe(true);
    expect(meetsLatencyTargets(phase({ target: 'voice', concurrency: 50, overheadMs: { p50: 1, p95: 5, p99: 21 } }))).toBe(false);
    expect(meetsLatencyTargets(phase({ target: 'voice', concurrency: 50, overheadMs: null }))).toBe(false);
    const late = phase({ target: 'voice', concurrency: 50 });
    late.callers.lateFrames = 1;
    expect(meetsLatencyTargets(late)).toBe(false);
    const failed = phase({ target: 'voice', concurrency: 50 });
    failed.callers.failed = 1;
    expect(meetsLatencyTargets(failed)).toBe(false);
  });

  it('compares our CPU per call-second with the floor and names the busiest process', () => {
    const s = step(100, { processes: { voice: { cpuSec: 5, coreShare: 0.25 }, emulators: { cpuSec: 9, coreShare: 0.45 }, simulator: { cpuSec: 1, coreShare: 0.05 } } }, 0.0008);
    expect(s.cpuRatioToFloor).toBeCloseTo(2.5, 6);
    expect(s.busiest).toEqual({ name: 'emulators', coreShare: 0.45 });
    expect(combineStep(phase({ target: 'voice', concurrency: 5 }), [], 1).cpuRatioToFloor).toBeNull();
  });

  it('divides by the mean of the floor phases before and after ours, and reports how far the floor moved', () => {
    const voice = phase({ target: 'voice', concurrency: 200, cpuPerCallSecond: 0.0012 });
    const s = combineStep(voice, [phase({ target: 'floor', concurrency: 200, cpuPerCallSecond: 0.0005 }), phase({ target: 'floor', concurrency: 200, cpuPerCallSecond: 0.0007 })], 1);
    expect(s.floorCpuPerCallSecond).toBeCloseTo(0.0006, 9);
    expect(s.cpuRatioToFloor).toBeCloseTo(2, 6);
    expect(s.floorDrift).toBeCloseTo(1.4, 6);
    expect(s.floor?.cpuPerCallSecond).toBe(0.0005);
    expect(s.floorAfter?.cpuPerCallSecond).toBe(0.0007);
    const once = combineStep(voice, [phase({ target: 'floor', concurrency: 200, cpuPerCallSecond: 0.0006 })], 1);
    expect(once.floorDrift).toBeNull();
    expect(once.cpuRatioToFloor).toBeCloseTo(2, 6);
  });

  it('with several rounds, divides each voice phase by the floor phases on either side of it and judges the median', () => {
    const v = (cpu: number, late = 0) => {
      const p = phase({ target: 'voice', concurrency: 100, cpuPerCallSecond: cpu });
      p.callers.lateFrames = late;
      return p;
    };
    const f = (cpu: number) => phase({ target: 'floor', concurrency: 100, cpuPerCallSecond: cpu });
    // floor 1.0, voice 2.2, floor 1.2, voice 1.8, floor 0.8, voice 2.0, floor 1.2 (ms per call-second)
    const s = combineStep([v(0.0022), v(0.0018, 2), v(0.002)], [f(0.001), f(0.0012), f(0.0008), f(0.0012)], 1);
    expect(s.rounds?.map((r) => r.floorCpuPerCallSecond)).toEqual([expect.closeTo(0.0011, 9), expect.closeTo(0.001, 9), expect.closeTo(0.001, 9)]);
    expect(s.rounds?.map((r) => r.ratio)).toEqual([expect.closeTo(2, 6), expect.closeTo(1.8, 6), expect.closeTo(2, 6)]);
    expect(s.cpuRatioToFloor).toBeCloseTo(2, 6);
    // Round 1 stays the step's voice phase (it carries the memory figures); the rest are kept raw.
    expect(s.voice.cpuPerCallSecond).toBe(0.0022);
    expect(s.laterPhases?.map((p) => `${p.target} ${p.cpuPerCallSecond}`)).toEqual(['voice 0.0018', 'voice 0.002', 'floor 0.0012', 'floor 0.0008']);
    expect(s.floor?.cpuPerCallSecond).toBe(0.001);
    expect(s.floorAfter?.cpuPerCallSecond).toBe(0.0012);
    expect(s.floorCpuPerCallSecond).toBeCloseTo(0.00105, 9);
    // A late frame in any round fails the latency targets.
    expect(s.meetsLatencyTargets).toBe(false);
    expect(combineStep([v(0.002), v(0.002)], [f(0.001), f(0.001), f(0.001)], 1).meetsLatencyTargets).toBe(true);
    // Without floor phases there is no ratio, and one round reports no rounds.
    expect(combineStep([v(0.002), v(0.002)], [], 1).cpuRatioToFloor).toBeNull();
    expect(combineStep([v(0.002)], [f(0.001), f(0.001)], 1).rounds).toBeUndefined();
    expect(() => combineStep([], [], 1)).toThrow(/at least one voice phase/);
  });

  it('calls the load generator saturated when simulator + emulators fill their cores', () => {
    const busy = { voice: { cpuSec: 1, coreShare: 0.2 }, emulators: { cpuSec: 1, coreShare: 0.5 }, simulator: { cpuSec: 1, coreShare: 0.45 } };
    expect(step(200, { processes: busy }).loadGeneratorSaturated).toBe(true);
    expect(combineStep(phase({ target: 'voice', concurrency: 200, processes: busy }), [], 3).loadGeneratorSaturated).toBe(false);
    expect(stopReason(step(200, { processes: busy }))).toMatch(/load generator/);
  });

  it('stops stepping when the voice process saturates its core or calls fail, and not otherwise', () => {
    const hot = { voice: { cpuSec: 1, coreShare: SATURATED_CORE_SHARE }, emulators: { cpuSec: 1, coreShare: 0.3 }, simulator: { cpuSec: 1, coreShare: 0.3 } };
    expect(stopReason(step(400, { processes: hot }))).toMatch(/voice process saturated/);
    const failing = step(400);
    failing.voice.callers.failed = failing.voice.callers.calls;
    expect(stopReason(failing)).toMatch(/failed/);
    expect(stopReason(step(25))).toBeNull();
  });

  it('reports the highest step that met the targets, whatever the order', () => {
    const bad = { overheadMs: { p50: 10, p95: 40, p99: 80 } };
    expect(maxCallsPerVcpu([step(25), step(200, bad), step(100)])).toBe(100);
    expect(maxCallsPerVcpu([step(25, bad)])).toBe(0);
  });
});

describe('reading /proc/stat per core', () => {
  it('counts everything but idle and iowait as busy, per core', () => {
    const { parseProcStatCores, clockTicks } = jest.requireActual<typeof import('../../bench/proc-stats')>('../../bench/proc-stats');
    const hz = clockTicks();
    const text = [
      'cpu  300 0 100 1000 20 0 0 0 0 0',
      'cpu0 100 10 50 400 10 5 5 0 0 0',
      'cpu1 200 0 50 600 10 0 0 0 0 0',
      'intr 12345',
    ].join('\n');
    const cores = parseProcStatCores(text);
    expect([...cores.keys()]).toEqual([0, 1]);
    expect(cores.get(0)!.busySec * hz).toBeCloseTo(170, 6);
    expect(cores.get(0)!.totalSec * hz).toBeCloseTo(580, 6);
    expect(cores.get(1)!.busySec * hz).toBeCloseTo(250, 6);
  });
});

describe('loop probe lines', () => {
  it('takes the last complete line written before the window closed', () => {
    const { loopStatsAt } = jest.requireActual<typeof import('../../bench/phase-runner')>('../../bench/phase-runner');
    const line = (atMs: number, p99: number) => JSON.stringify({ atMs, delayP50Ms: 1, delayP99Ms: p99, delayMaxMs: 50, gcPauseMaxMs: 5, gcPauseTotalMs: 40 });
    const text = [line(1000, 10), line(2000, 20), line(3000, 30), '{"atMs":40'].join('\n');
    expect(loopStatsAt(text, 2500)?.delayP99Ms).toBe(20);
    expect(loopStatsAt(text, 9999)?.delayP99Ms).toBe(30);
    expect(loopStatsAt(text, 500)).toBeUndefined();
  });
});

describe('live memory from /api/stats', () => {
  it('adds the array buffers outside the V8 heap to the heap in use', () => {
    expect(liveBytes({ memory: { rssBytes: 9e7, heapUsedBytes: 4e7, arrayBuffersBytes: 3e6 } })).toBe(43e6);
    expect(liveBytes({ memory: { rssBytes: 9e7, heapUsedBytes: 4e7 } })).toBe(4e7);
    expect(liveBytes({})).toBeUndefined();
  });
});
