/**
 * Preloaded into the process under test (`node --require <bundled copy>`) by the benchmark: the
 * voice service does not expose its event-loop delay yet, so this measures it from inside without
 * touching services/. Writes one JSON line per second to BENCH_LOOP_STATS_FILE with the delay
 * percentiles and GC pauses since the last SIGUSR2 (the bench sends one when its window opens).
 * Cost: one 10 ms-resolution histogram timer and a GC observer. Each line also carries the
 * physical size of each V8 heap space and `process.memoryUsage()` (read in the logs, not in the
 * results): where the RSS between two loads went.
 *
 * It also measures the live set (V8 heap used + array buffers, where audio lives), which a sample
 * of heapUsed overstates by whatever garbage has not been collected yet — start-up garbage at
 * idle, old-space garbage between mark-compacts under load:
 * - at idle, on request over the IPC channel, after a forced full GC (the bench adds
 *   --expose-gc); no calls are up, so the pause costs nothing;
 * - under load, right after each mark-compact V8 runs by itself (`liveAfterMajorGcMinBytes`, the
 *   smallest since the window opened): forcing one would stall the calls being measured.
 */
import { appendFileSync } from 'node:fs';
import { constants, monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics } from 'node:v8';

/** Physical bytes of each V8 heap space, by short name: where RSS between two loads went. */
const heapSpaces = (): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const s of getHeapSpaceStatistics()) out[s.space_name.replace(/_space$/, '')] = s.physical_space_size;
  return out;
};

const liveBytes = (): number => {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

const file = process.env.BENCH_LOOP_STATS_FILE;
if (file) {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  let gcPauseMaxMs = 0;
  let gcPauseTotalMs = 0;
  let liveAfterMajorGcMinBytes: number | null = null;
  new PerformanceObserver((list) => {
    let major = false;
    for (const entry of list.getEntries()) {
      gcPauseTotalMs += entry.duration;
      if (entry.duration > gcPauseMaxMs) gcPauseMaxMs = entry.duration;
      if ((entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) major = true;
    }
    if (major) {
      const live = liveBytes();
      if (liveAfterMajorGcMinBytes === null || live < liveAfterMajorGcMinBytes) liveAfterMajorGcMinBytes = live;
    }
  }).observe({ entryTypes: ['gc'] });
  process.on('SIGUSR2', () => {
    histogram.reset();
    gcPauseMaxMs = 0;
    gcPauseTotalMs = 0;
    liveAfterMajorGcMinBytes = null;
  });
  const forceGc = (globalThis as { gc?: () => void }).gc;
  if (process.send !== undefined) {
    process.on('message', (message: unknown) => {
      if ((message as { type?: unknown } | null)?.type !== 'measure-live') return;
      if (forceGc === undefined) {
        process.send?.({ type: 'live', liveBytes: null });
        return;
      }
      // Twice: array buffers' backing stores are freed once the first collection has swept them.
      forceGc();
      forceGc();
      process.send?.({ type: 'live', liveBytes: liveBytes() });
    });
    // Listening must not keep the service alive when it is told to stop.
    process.channel?.unref();
  }
  const ms = (ns: number) => Math.round(ns / 1e4) / 100;
  setInterval(() => {
    const line = {
      atMs: Date.now(),
      delayP50Ms: ms(histogram.percentile(50)),
      delayP99Ms: ms(histogram.percentile(99)),
      delayMaxMs: ms(histogram.max),
      gcPauseMaxMs: Math.round(gcPauseMaxMs * 10) / 10,
      gcPauseTotalMs: Math.round(gcPauseTotalMs),
      liveAfterMajorGcMinBytes,
      heapSpaces: heapSpaces(),
      memory: process.memoryUsage(),
    };
    appendFileSync(file, `${JSON.stringify(line)}\n`);
  }, 1000).unref();
}
