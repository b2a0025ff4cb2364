/**
 * `npm run bench [-- --quick]`: calls per vCPU, CPU per call-second, memory per call and added
 * latency of the voice service, side by side with the floor (bench/floor-forwarder.ts), under
 * the Exotel simulator's scripted callers. See docs/benchmarks.md for what is measured and how.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { BENCH_SCRIPTS } from './bench-script';
import { type BenchOptions, parseBenchArgs } from './bench-options';
import type { BenchResults, PhaseResult, ProfileSummary, StepResult } from './bench-types';
import { TS_LOADER_FLAGS, pinningAvailable, startChild, type RunningChild } from './child-process';
import { summarizeCpuProfile } from './cpu-profile-summary';
import { writeBenchDocs } from './docs-report';
import { type PhaseContext, type VoiceLaunch, buildLoopProbe, runPhase, startEmulatorsProcess } from './phase-runner';
import { procfsAvailable } from './proc-stats';
import { resultsFilePath } from './results-file';
import { snapshotSources } from './source-snapshot';
import { SATURATED_CORE_SHARE, TARGETS, combineStep, maxCallsPerVcpu, stopReason } from './step-metrics';
import { formatStepLine, headline } from './summary-text';

const REPO_ROOT = resolve(__dirname, '..');
/** High enough that no provider limit is ever what the benchmark measures. */
const PROVIDER_LIMIT = 100_000;

const log = (msg: string): void => void process.stderr.write(`${msg}\n`);

function gitState(sourceRoot: string, snapshotCommit: string | null): BenchResults['git'] {
  if (snapshotCommit !== null) return { commit: snapshotCommit, dirty: false };
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: sourceRoot, encoding: 'utf8' }).trim();
    return { commit: git('rev-parse', 'HEAD'), dirty: git('status', '--porcelain', '--', 'services', 'scripts', 'bench').length > 0 };
  } catch {
    return null;
  }
}

/** Builds the production bundle from `sourceRoot` with its own build script, in a child process. */
async function buildBundle(sourceRoot: string, outDir: string, logDir: string): Promise<void> {
  const build = startChild({
    name: 'build',
    nodeFlags: TS_LOADER_FLAGS,
    args: [join(sourceRoot, 'scripts/build-voice.ts'), '--outdir', outDir],
    logFile: join(logDir, 'build.log'),
  });
  const code = await build.exited;
  if (code !== 0) throw new Error(`build exited with ${code} (see ${join(logDir, 'build.log')})`);
}

async function voiceLaunch(opts: BenchOptions, sourceRoot: string, logDir: string): Promise<VoiceLaunch> {
  const tsx: VoiceLaunch = { kind: 'tsx', entry: join(sourceRoot, 'services/voice/src/main.ts'), logLevel: opts.logLevel };
  if (opts.tsx) return tsx;
  const outDir = join(logDir, 'voice-bundle');
  try {
    await buildBundle(sourceRoot, outDir, logDir);
    return { kind: 'bundle', entry: join(outDir, 'index.js'), logLevel: opts.logLevel };
  } catch (err) {
    log(`voice bundle build failed (${err instanceof Error ? err.message : String(err)}); running the sources through tsx`);
    return tsx;
  }
}

/** bench/loop-probe.ts as one CommonJS file any node process can --require (the bundle has no tsx). */
function bundleLoopProbe(sourceRoot: string, logDir: string): string | null {
  try {
    return buildLoopProbe(sourceRoot, logDir);
  } catch (err) {
    log(`loop probe not built (${err instanceof Error ? err.message : String(err)}): event-loop delay from the /health probe only`);
    return null;
  }
}

async function profileVoice(ctx: PhaseContext, opts: BenchOptions, concurrency: number): Promise<ProfileSummary | null> {
  const profileDir = join(ctx.logDir, 'cpu-profile');
  mkdirSync(profileDir, { recursive: true });
  // The sources through tsx, so profile frames point at services/voice/src files, not the bundle.
  const profCtx: PhaseContext = { ...ctx, voice: { kind: 'tsx', entry: join(ctx.repoRoot, 'services/voice/src/main.ts'), logLevel: opts.logLevel } };
  log(`profile: voice at ${concurrency} calls for ${opts.profileSec} s (node --cpu-prof)`);
  await runPhase(profCtx, {
    target: 'voice',
    concurrency,
    rampSec: opts.rampSec,
    settleSec: opts.settleSec,
    steadySec: opts.profileSec,
    targetNodeFlags: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`],
  });
  const file = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
  if (file === undefined) {
    log('profile: no .cpuprofile was written');
    return null;
  }
  const path = join(profileDir, file);
  const summary = summarizeCpuProfile(JSON.parse(readFileSync(path, 'utf8')), ctx.repoRoot, 15);
  return {
    concurrency,
    durationSec: opts.rampSec + opts.settleSec + opts.profileSec,
    totalSampledMs: summary.totalMs,
    oursPercent: summary.totalMs > 0 ? Math.round((summary.oursMs / summary.totalMs) * 1000) / 10 : 0,
    topOurs: summary.topOurs,
    topAll: summary.topAll,
    file: path,
  };
}

async function main(): Promise<number> {
  const parsed = parseBenchArgs(process.argv.slice(2));
  if (!parsed.ok) {
    log(`${parsed.error}\nusage: npm run bench [-- --quick] [--script stress|realistic] [--steps 25,50,100] [--steady-sec N] [--no-floor] [--rounds N] [--no-profile|--profile] [--no-docs] [--tsx] [--working-tree]`);
    return 2;
  }
  const opts = parsed.options;
  if (!procfsAvailable()) {
    log('npm run bench needs Linux /proc to read other processes\' CPU and memory');
    return 2;
  }
  const cores = availableParallelism();
  const pinned = pinningAvailable();
  const targetCpus = '0';
  const loadGenCpus = cores > 1 ? (cores === 2 ? '1' : `1-${cores - 1}`) : '0';
  const logDir = mkdtempSync(join(tmpdir(), 'calling-agent-bench-'));
  log(`bench (${opts.mode}): steps ${opts.steps.join(', ')}; logs in ${logDir}`);
  if (!pinned) log('taskset or a second core is missing: processes are not pinned, read CPU shares with care');

  let sourceRoot = REPO_ROOT;
  let snapshotCommit: string | null = null;
  if (!opts.workingTree) {
    const snap = snapshotSources(REPO_ROOT, join(logDir, 'src'));
    sourceRoot = snap.root;
    snapshotCommit = snap.commit;
    log(`measuring the committed tree at ${snap.commit.slice(0, 8)} (exported to ${sourceRoot}; --working-tree measures uncommitted changes)`);
  }
  const voice = await voiceLaunch(opts, sourceRoot, logDir);
  let emulators: RunningChild | undefined;
  const steps: StepResult[] = [];
  let stoppedBecause: string | null = null;
  let profile: ProfileSummary | null = null;
  try {
    const started = await startEmulatorsProcess(
      sourceRoot,
      logDir,
      loadGenCpus,
      PROVIDER_LIMIT,
      opts.realtimeFactor,
      BENCH_SCRIPTS[opts.script].sttLines,
    );
    emulators = started.child;
    const ctx: PhaseContext = {
      repoRoot: sourceRoot,
      logDir,
      emulatorsUrl: started.url,
      emulatorsPid: started.child.pid,
      targetCpus,
      targetCoreIds: [0],
      loadGenCpus,
      voice,
      loopProbe: bundleLoopProbe(sourceRoot, logDir),
      realtimeFactor: opts.realtimeFactor,
      script: opts.script,
      providerLimit: PROVIDER_LIMIT,
      log,
    };
    for (const concurrency of opts.steps) {
      // Floor, voice, floor: the floor phases bracket each of ours in time, so a machine that
      // speeds up or slows down over the step moves both sides of a round's ratio alike.
      const floors: PhaseResult[] = [];
      const floorPhase = async (when: string): Promise<void> => {
        log(`step ${concurrency}: floor (${when})`);
        floors.push(await runPhase(ctx, { target: 'floor', concurrency, rampSec: opts.rampSec, settleSec: opts.settleSec, steadySec: opts.floorSteadySec }));
      };
      if (opts.floor) await floorPhase('before');
      const voices: PhaseResult[] = [];
      for (let round = 1; round <= opts.rounds; round++) {
        const of = opts.rounds > 1 ? ` round ${round} of ${opts.rounds}` : '';
        log(`step ${concurrency}: voice${of}`);
        voices.push(
          await runPhase(ctx, {
            target: 'voice',
            concurrency,
            rampSec: opts.rampSec,
            settleSec: opts.settleSec,
            steadySec: opts.steadySec,
            // Every round holds the half load first, not just the one whose memory is reported: it is
            // also ~45 s more warm-up, and a round without it read the higher CPU in 4 steps of 4.
            ...(opts.memorySec > 0 ? { lowerLevel: { calls: Math.round(concurrency / 2), windowSec: opts.memorySec } } : {}),
          }),
        );
        if (opts.floor) await floorPhase(`after${of}`);
      }
      const step = combineStep(voices, floors, Math.max(1, cores - 1));
      steps.push(step);
      log(formatStepLine(step));
      stoppedBecause = stopReason(step);
      if (stoppedBecause !== null) {
        log(`stopping: ${stoppedBecause}`);
        break;
      }
    }
    if (opts.profile && steps.length > 0) {
      const unsaturated = steps.filter((s) => (s.voice.processes.voice?.coreShare ?? 0) < SATURATED_CORE_SHARE && !s.loadGeneratorSaturated);
      const at = (unsaturated[unsaturated.length - 1] ?? steps[steps.length - 1])?.concurrency ?? opts.steps[0] ?? 100;
      try {
        profile = await profileVoice(ctx, opts, at);
      } catch (err) {
        log(`profile failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  } finally {
    await emulators?.stop();
  }

  const cpuInfo = cpus();
  const results: BenchResults = {
    date: new Date().toISOString(),
    mode: opts.mode,
    git: gitState(REPO_ROOT, snapshotCommit),
    machine: { cpus: cores, model: cpuInfo[0]?.model ?? 'unknown', node: process.version, pinned, totalMemBytes: totalmem() },
    settings: {
      steps: opts.steps,
      rampSec: opts.rampSec,
      settleSec: opts.settleSec,
      steadySec: opts.steadySec,
      floorSteadySec: opts.floorSteadySec,
      memorySec: opts.memorySec,
      rounds: opts.rounds,
      realtimeFactor: opts.realtimeFactor,
      voiceFrom: voice.kind,
      logLevel: opts.logLevel,
      script: BENCH_SCRIPTS[opts.script].script.name,
    },
    steps,
    maxCallsPerVcpu: maxCallsPerVcpu(steps),
    stoppedBecause,
    profile,
  };
  const resultsFile = resultsFilePath(REPO_ROOT, {
    dateIso: results.date,
    quick: opts.mode !== 'full',
    docs: opts.docs,
    ...(opts.script === 'stress' ? {} : { variant: opts.script }),
  });
  mkdirSync(dirname(resultsFile), { recursive: true });
  writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
  log(`results: ${resultsFile}`);
  if (opts.docs) {
    const written = writeBenchDocs(REPO_ROOT, results, resultsFile);
    log(`docs: ${written.join(', ')}`);
  }
  process.stdout.write(`${headline(results, TARGETS)}\n`);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    log(`bench failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
