import { parseArgs } from 'node:util';
import { z } from 'zod';
import { BENCH_SCRIPTS, BENCH_SCRIPT_NAMES, type BenchScriptName } from './bench-script';

/** `npm run bench [-- --quick] [--script stress|realistic] [--steps 25,50] [--steady-sec N] [--memory-sec N] [--no-floor] [--rounds N] [--no-profile] [--no-docs] [--tsx] [--working-tree]` */
export interface BenchOptions {
  mode: 'quick' | 'full';
  /** The caller every call runs (bench-script.ts); the ramp defaults to one of its calls. */
  script: BenchScriptName;
  steps: number[];
  rampSec: number;
  settleSec: number;
  steadySec: number;
  floorSteadySec: number;
  /**
   * Each voice phase first holds half its calls for a window this long, then steps up in the same
   * process: memory per added call, free of the process's one-offs (PhaseResult.lowerLevel). 0: off.
   */
  memorySec: number;
  floor: boolean;
  /**
   * Voice phases per step, each followed by a floor phase (the first also preceded by one): the
   * step's ratio is then the median of N ratios, each against the floor just around it in time.
   * Every round is the same phase (half-load window included); the step's memory figures are
   * round 1's. 1 = floor, voice, floor.
   */
  rounds: number;
  profile: boolean;
  profileSec: number;
  docs: boolean;
  /** Run the voice service from its TypeScript sources instead of the esbuild bundle. */
  tsx: boolean;
  /** Measure the checkout as it is, uncommitted changes included, instead of HEAD. */
  workingTree: boolean;
  realtimeFactor: number;
  logLevel: string;
}

/**
 * A step's ramp spreads its first K calls over one call's length (the script's `callSec`): each
 * call is replaced when it ends, so starts and hang-ups then stay spread evenly, as in steady
 * traffic. A shorter ramp would make every generation of calls start and end in a wave (10 s of
 * ramp for 20 s calls doubled the churn rate every 20 s), which measures the wave, not the service.
 */
const STRESS_RAMP_SEC = BENCH_SCRIPTS.stress.callSec;

/**
 * Quick: two steps, ~20 s windows, no profile — about 4 minutes. Full: five steps with 60 s
 * windows (the floor's 30 s: a rate of a lean process settles fast) and a CPU profile at the end.
 */
export const PRESETS: Record<BenchOptions['mode'], BenchOptions> = {
  quick: {
    mode: 'quick',
    script: 'stress',
    steps: [25, 100],
    rampSec: STRESS_RAMP_SEC,
    settleSec: 2,
    steadySec: 20,
    floorSteadySec: 12,
    memorySec: 10,
    floor: true,
    rounds: 1,
    profile: false,
    profileSec: 20,
    docs: true,
    tsx: false,
    workingTree: false,
    realtimeFactor: 1.5,
    logLevel: 'info',
  },
  full: {
    mode: 'full',
    script: 'stress',
    steps: [25, 50, 100, 200, 400],
    rampSec: STRESS_RAMP_SEC,
    settleSec: 5,
    steadySec: 60,
    floorSteadySec: 30,
    memorySec: 20,
    floor: true,
    rounds: 1,
    profile: true,
    profileSec: 30,
    docs: true,
    tsx: false,
    workingTree: false,
    realtimeFactor: 1.5,
    logLevel: 'info',
  },
};

const stepsSchema = z
  .string()
  .regex(/^\d+(,\d+)*$/, '--steps is a comma-separated list of call counts')
  .transform((s) => s.split(',').map(Number))
  .refine((a) => a.every((n) => n > 0), '--steps must be positive');
const seconds = z.coerce.number().positive();

export type ParsedBenchArgs = { ok: true; options: BenchOptions } | { ok: false; error: string };

export function parseBenchArgs(argv: readonly string[]): ParsedBenchArgs {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: [...argv],
      options: {
        quick: { type: 'boolean' },
        script: { type: 'string' },
        steps: { type: 'string' },
        'steady-sec': { type: 'string' },
        'floor-steady-sec': { type: 'string' },
        'memory-sec': { type: 'string' },
        'ramp-sec': { type: 'string' },
        'realtime-factor': { type: 'string' },
        'log-level': { type: 'string' },
        'no-floor': { type: 'boolean' },
        rounds: { type: 'string' },
        'no-profile': { type: 'boolean' },
        profile: { type: 'boolean' },
        'no-docs': { type: 'boolean' },
        tsx: { type: 'boolean' },
        'working-tree': { type: 'boolean' },
      },
      strict: true,
    }).values;
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
  const base = PRESETS[values.quick === true ? 'quick' : 'full'];
  try {
    const opt = <T>(raw: string | boolean | undefined, schema: z.ZodType<T, z.ZodTypeDef, unknown>): T | undefined =>
      typeof raw === 'string' ? schema.parse(raw) : undefined;
    const script = opt(values.script, z.enum(BENCH_SCRIPT_NAMES as [BenchScriptName, ...BenchScriptName[]])) ?? base.script;
    const options: BenchOptions = {
      ...base,
      script,
      steps: opt(values.steps, stepsSchema) ?? base.steps,
      steadySec: opt(values['steady-sec'], seconds) ?? base.steadySec,
      floorSteadySec: opt(values['floor-steady-sec'], seconds) ?? base.floorSteadySec,
      memorySec: opt(values['memory-sec'], z.coerce.number().min(0)) ?? base.memorySec,
      rampSec: opt(values['ramp-sec'], z.coerce.number().min(0)) ?? BENCH_SCRIPTS[script].callSec,
      realtimeFactor: opt(values['realtime-factor'], seconds) ?? base.realtimeFactor,
      logLevel: opt(values['log-level'], z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'silent'])) ?? base.logLevel,
      floor: values['no-floor'] !== true,
      rounds: opt(values.rounds, z.coerce.number().int('--rounds is a whole number').min(1, '--rounds is at least 1').max(9, '--rounds is at most 9')) ?? base.rounds,
      profile: values['no-profile'] === true ? false : values.profile === true || base.profile,
      docs: values['no-docs'] !== true,
      tsx: values.tsx === true,
      workingTree: values['working-tree'] === true,
    };
    return { ok: true, options };
  } catch (err) {
    const message = err instanceof z.ZodError ? err.issues.map((i) => i.message).join('; ') : String(err);
    return { ok: false, error: message };
  }
}
