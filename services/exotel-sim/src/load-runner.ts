import { randomBytes } from 'node:crypto';
import type { SigningKey } from '../../shared/src/stream-signature';
import type { CallResult } from './call-result';
import { FrameClock, monotonicNowMs } from './frame-clock';
import type { MarksOnClear } from './playout/playout-buffer';
import { type ScenarioName, isScenarioName, scenarios } from './script/scenarios';
import type { CallScript } from './script/steps';
import { SimulatedCall } from './simulated-call';
import { buildStreamUrl } from './stream-url';
import { type LoadReport, summarize } from './load/load-report';
import { fetchServiceOverheadMs } from './load/service-stats';

export type { LoadReport } from './load/load-report';

export interface LoadProgress {
  elapsedMs: number;
  placed: number;
  active: number;
  completed: number;
  failed: number;
}

export interface LoadOptions {
  /** ws(s)://host[:port] of the voice service; user:pass in it becomes basic auth. */
  target: string;
  /** Calls to place (ramp mode). In steady mode an upper bound on calls placed; 0 = no bound. */
  calls: number;
  /** Calls are spread evenly over this many seconds (steady mode: the first `concurrency` calls). Default 0. */
  rampSec?: number;
  /** A named scenario or a script. Default 'mixed'. */
  scenario?: ScenarioName | CallScript;
  /** Signs each stream URL (`signStreamUrl`); a bare string is the secret with key id 'env'. */
  signingKey?: SigningKey | string;
  agentId?: string;
  /** Steady mode: keep this many calls up, replacing each call that ends, for `durationSec`. */
  concurrency?: number;
  /** Steady mode duration; default 60 s. In-flight calls finish their scripts after it. */
  durationSec?: number;
  /**
   * Steady mode: at the end of `durationSec` the callers still on the line hang up instead of
   * finishing their scripts (a benchmark of minutes-long calls need not wait minutes to drain).
   */
  hangUpAtEnd?: boolean;
  /**
   * Steady mode: at `atSec` the concurrency rises to `concurrency`, the added calls spread over
   * `rampSec` as the first ones were. Two load levels in one process give memory per added call
   * without the process's one-offs (JIT code, allocator arenas) that a fresh baseline would charge.
   */
  stepUp?: { atSec: number; concurrency: number };
  marksOnClear?: MarksOnClear;
  numbersAsStrings?: boolean;
  /** Exotel retries a failed handshake once; default true. */
  retryHandshake?: boolean;
  onProgress?: (progress: LoadProgress) => void;
  progressIntervalMs?: number;
  /** Read `turns.overheadMs` from the service's `/api/stats` after the run; default true. */
  fetchServiceStats?: boolean;
  keepCallResults?: boolean;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));

/**
 * Places simulated calls against a voice service and summarises what the callers experienced.
 * Ramp mode places `calls` calls spread over `rampSec`; steady mode keeps `concurrency` calls up
 * for `durationSec` (the benchmark's shape). All calls share one 100 ms clock.
 */
export async function runLoad(options: LoadOptions): Promise<LoadReport> {
  const script = resolveScript(options.scenario ?? 'mixed');
  const steady = options.concurrency !== undefined;
  const rampMs = (options.rampSec ?? 0) * 1000;
  const runId = randomBytes(4).toString('hex');
  const clock = new FrameClock();
  const startedAtMs = monotonicNowMs();
  const deadlineMs = startedAtMs + (options.durationSec ?? 60) * 1000;
  const maxCalls = steady ? (options.calls > 0 ? options.calls : Infinity) : options.calls;

  const results: CallResult[] = [];
  const inFlight = new Set<Promise<void>>();
  const onLine = new Set<SimulatedCall>();
  let placed = 0;
  let peakActive = 0;
  let completed = 0;

  /** Set when the callers are told to hang up: no call is placed after that, whatever the clock says. */
  let ending = false;
  const mayPlaceMore = () => !ending && placed < maxCalls && (!steady || monotonicNowMs() < deadlineMs);

  const place = (): void => {
    const index = placed++;
    const callSid = `sim-${runId}-${index}`;
    const call = new SimulatedCall({
      url: buildStreamUrl({ target: options.target, callSid, agentId: options.agentId, signingKey: options.signingKey }),
      callSid,
      script,
      clock,
      marksOnClear: options.marksOnClear,
      numbersAsStrings: options.numbersAsStrings,
      retryHandshake: options.retryHandshake,
    });
    onLine.add(call);
    const done = call.run().then((result) => {
      onLine.delete(call);
      results.push(result);
      if (result.completed) completed += 1;
      inFlight.delete(done);
      // Steady mode: replace every call that ends, until the duration is over.
      if (steady && mayPlaceMore()) place();
    });
    inFlight.add(done);
    peakActive = Math.max(peakActive, inFlight.size);
  };

  /** Places `count` calls evenly over the ramp from `fromMs` (all at once without a ramp). */
  const placeSpread = async (count: number, fromMs: number): Promise<void> => {
    for (let i = 0; i < count; i++) {
      await sleep(fromMs + (rampMs * i) / count - monotonicNowMs());
      if (steady && !mayPlaceMore()) return;
      place();
    }
  };

  const report = () =>
    options.onProgress?.({
      elapsedMs: monotonicNowMs() - startedAtMs,
      placed,
      active: inFlight.size,
      completed,
      failed: results.length - completed,
    });
  const progressTimer = options.onProgress ? setInterval(report, options.progressIntervalMs ?? 1000) : undefined;
  const endTimer =
    steady && options.hangUpAtEnd
      ? setTimeout(() => {
          // A timer can fire a little before the monotonic deadline (libuv's cached loop time):
          // without the flag, a call that hung up at once would be replaced by a fresh one.
          ending = true;
          for (const call of onLine) call.hangUpNow();
        }, Math.max(0, deadlineMs - monotonicNowMs()))
      : undefined;

  try {
    const initial = steady ? Math.min(options.concurrency ?? 0, maxCalls) : options.calls;
    await placeSpread(initial, startedAtMs);
    const stepUp = steady ? options.stepUp : undefined;
    if (stepUp !== undefined && stepUp.concurrency > initial) {
      const rampStartMs = startedAtMs + stepUp.atSec * 1000;
      if (rampStartMs < deadlineMs) {
        await sleep(rampStartMs - monotonicNowMs());
        await placeSpread(stepUp.concurrency - initial, rampStartMs);
      }
    }
    while (inFlight.size > 0) await Promise.all([...inFlight]);
  } finally {
    if (progressTimer) clearInterval(progressTimer);
    clearTimeout(endTimer);
  }
  report();

  const overheadMs = options.fetchServiceStats === false ? null : await fetchServiceOverheadMs(options.target);
  const summary = summarize(results, {
    scenario: script.name,
    mode: steady ? 'steady' : 'ramp',
    durationMs: monotonicNowMs() - startedAtMs,
    peakActiveCalls: peakActive,
    simulatorMaxTickLagMs: clock.maxLagMs,
    overheadMs,
  });
  if (options.keepCallResults) summary.callResults = results;
  return summary;
}

function resolveScript(scenario: ScenarioName | CallScript): CallScript {
  if (typeof scenario !== 'string') return scenario;
  if (!isScenarioName(scenario)) throw new Error(`unknown scenario: ${String(scenario)}`);
  return scenarios[scenario];
}
