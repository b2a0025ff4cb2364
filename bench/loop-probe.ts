/**
 * Preloaded into the process under test (`node --require <bundled copy>`) by the benchmark: the
 * voice service does not expose its event-loop delay yet, so this measures it from inside without
 * touching services/. Writes one JSON line per second to BENCH_LOOP_STATS_FILE with the delay
 * percentiles and GC pauses since the last SIGUSR2 (the bench sends one when its window opens).
 * Cost: one 10 ms-resolution histogram timer and a GC observer.
 */
import { appendFileSync } from 'node:fs';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';

const file = process.env.BENCH_LOOP_STATS_FILE;
if (file) {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  let gcPauseMaxMs = 0;
  let gcPauseTotalMs = 0;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gcPauseTotalMs += entry.duration;
      if (entry.duration > gcPauseMaxMs) gcPauseMaxMs = entry.duration;
    }
  }).observe({ entryTypes: ['gc'] });
  process.on('SIGUSR2', () => {
    histogram.reset();
    gcPauseMaxMs = 0;
    gcPauseTotalMs = 0;
  });
  const ms = (ns: number) => Math.round(ns / 1e4) / 100;
  setInterval(() => {
    const line = {
      atMs: Date.now(),
      delayP50Ms: ms(histogram.percentile(50)),
      delayP99Ms: ms(histogram.percentile(99)),
      delayMaxMs: ms(histogram.max),
      gcPauseMaxMs: Math.round(gcPauseMaxMs * 10) / 10,
      gcPauseTotalMs: Math.round(gcPauseTotalMs),
    };
    appendFileSync(file, `${JSON.stringify(line)}\n`);
  }, 1000).unref();
}
