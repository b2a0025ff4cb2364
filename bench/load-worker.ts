/**
 * The Exotel simulator as its own process for the benchmark: keeps `concurrency` calls up for
 * `durationSec` (runLoad's steady mode) and reports on stdout as JSON lines:
 *   {"type":"progress", elapsedMs, placed, active, completed, failed}   once a second
 *   {"type":"report", report}                                          at the end
 *   node --import tsx bench/load-worker.ts '{"target":"ws://...","concurrency":100,...}'
 */
import { z } from 'zod';
import { runLoad } from '../services/exotel-sim/src/index';
import { BENCH_SCRIPTS, BENCH_SCRIPT_NAMES, type BenchScriptName } from './bench-script';

export const workerOptionsSchema = z.object({
  target: z.string().regex(/^wss?:\/\//),
  concurrency: z.number().int().positive(),
  durationSec: z.number().positive(),
  rampSec: z.number().min(0),
  /** Two load levels: `concurrency` first, then this many from `atSec` on (runLoad's stepUp). */
  stepUp: z.object({ atSec: z.number().positive(), concurrency: z.number().int().positive() }).optional(),
  script: z.enum(BENCH_SCRIPT_NAMES as [BenchScriptName, ...BenchScriptName[]]),
});
export type WorkerOptions = z.infer<typeof workerOptionsSchema>;

function emit(value: object): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

async function main(): Promise<void> {
  const opts = workerOptionsSchema.parse(JSON.parse(process.argv[2] ?? '{}'));
  const report = await runLoad({
    target: opts.target,
    calls: 0,
    concurrency: opts.concurrency,
    durationSec: opts.durationSec,
    rampSec: opts.rampSec,
    stepUp: opts.stepUp,
    scenario: BENCH_SCRIPTS[opts.script].script,
    // The window is over by then: callers still talking hang up rather than run minutes more.
    hangUpAtEnd: true,
    fetchServiceStats: false, // the bench reads /api/stats itself, at the end of the steady window
    progressIntervalMs: 1000,
    onProgress: (p) => emit({ type: 'progress', ...p }),
  });
  emit({ type: 'report', report });
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`load worker failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exit(1);
  });
}
