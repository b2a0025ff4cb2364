/**
 * Bundles the voice service into one CommonJS file for Node 20: `dist/voice/index.js` (+ map).
 * The Dockerfile runs this in its build stage and ships only `dist/voice/`.
 *
 *   npm run build                        # -> dist/voice/
 *   npx tsx scripts/build-voice.ts --outdir /tmp/voice
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { build, type BuildResult } from 'esbuild';
import { lazyBarrelsPlugin, type LazyBarrelsReport, type LazyFolder } from './lazy-barrels';
import { type SourceMapV3, keepSourceMappings } from './source-map-filter';

const REPO_ROOT = path.resolve(__dirname, '..');
export const VOICE_ENTRY = path.join(REPO_ROOT, 'services/voice/src/main.ts');
export const DEFAULT_OUT_DIR = path.join(REPO_ROOT, 'dist/voice');

/**
 * Optional or native modules the bundle must not contain. Each is loaded lazily inside a
 * try/catch by its parent (ws, mongodb, pino), so leaving it out only disables an optional path.
 */
export const VOICE_EXTERNALS = [
  // ws: native speedups
  'bufferutil',
  'utf-8-validate',
  // mongodb driver: optional auth, compression, encryption and proxy support
  'kerberos',
  '@mongodb-js/zstd',
  'snappy',
  'aws4',
  'mongodb-client-encryption',
  'gcp-metadata',
  'socks',
  '@aws-sdk/credential-providers',
  // pino: dev-only pretty printer
  'pino-pretty',
];

/**
 * V8 flags the image runs the bundle with (the Dockerfile's CMD; test/infra/voice-bundle.test.ts
 * keeps the two equal, and the benchmark runs the bundle with them too). Voice tasks get at most
 * one vCPU (lib/config/environments), so V8's background GC threads cannot run beside the event
 * loop, only preempt it: single-threaded GC does the same work without the preemption (a task
 * given 2+ vCPU should drop that flag and let the GC use the other core).
 *
 * --max-semi-space-size=8 caps the young generation at two 8 MB semi-spaces. It was 32 while the
 * idle heap held 86 MB (mostly loaded code), when promoting a TTS request's objects meant more
 * mark-compacts of all of it: at 200 calls late frames went 5/17/7 with V8's defaults, 2/7/1 with
 * single-threaded GC alone, 0/1/5 with both. Since the idle heap is 46 MB, 8 MB costs ~0.3 s more
 * GC per 40 s at 400 calls and no measurable CPU per call-second, and saves ~50 MB of RSS at 400
 * calls (2026-12-05, `npm run bench -- --steps 200,400 --no-floor --no-profile --no-docs
 * --steady-sec 40`, BENCH_VOICE_NODE_FLAGS=--max-semi-space-size=<M>, alternating, Intel Xeon):
 * at 400 calls CPU 0.72 / 0.80 / 0.75 ms per call-second with 32 MB, 0.77 / 0.81 / 0.74 / 0.77
 * with 8 MB; RSS over idle per call 342 / 353 / 324 KB against 217 / 219 / 195 / 196 KB; at 200
 * calls CPU 0.93 / 0.91 / 0.91 against 0.88 / 0.94 / 0.88 / 0.91; late frames 0 in all.
 * docs/benchmarks.md has the earlier runs, where 8 MB cost 5-20% CPU on a slower host with the
 * heavier heap; on such a host again (AMD EPYC, 2026-12-05 22:36) 8 against 16 MB read 1.79 / 1.89
 * against 1.96 / 2.09 ms per call-second at 200 calls and 1.60 / 1.53 against 1.58 / 1.52 at 400.
 *
 * --heap-growing-percent=50 fixes old space's growth between mark-compacts at 1.5x the live heap.
 * V8 picks the factor from how fast marking is compared with promotion; under load it measured
 * marking ~700x faster and chose 1.1 (`--trace-gc-verbose`: "factor 1.1 based on mu=0.970,
 * speed_ratio=735"), which left less headroom than the young generation holds: from the first
 * mark-compact under load on, V8 ran one every ~0.7 s, each marking the whole ~85 MB heap (most
 * of it loaded code) in ~70 ms. With 1.5x: 3 mark-compacts instead of 17-18 in the same 45 s at
 * 200 calls, main-thread GC time 2.0-2.1 s -> 1.0 s, RSS about the same (A/B in the commit).
 */
export const VOICE_NODE_FLAGS = ['--single-threaded-gc', '--max-semi-space-size=8', '--heap-growing-percent=50'] as const;

/**
 * Environment the image sets for glibc's allocator (the Dockerfile's ENV; the bench sets the same).
 *
 * MALLOC_MMAP_THRESHOLD_=131072 fixes the mmap threshold at glibc's default instead of letting it
 * rise with every large block freed. In about one run in four at 200 calls, a process kept ~36 MB
 * more RSS for its life: V8's concurrent compiler thread allocates its jobs' zones (32 KB
 * segments, ~37 MB at the start of load) from its own glibc arena; the main thread frees them
 * when it finalises the jobs, and glibc can only return an arena's memory from its top down
 * (strace: one 37 MB MADV_DONTNEED when it could). A block still in use near the top pins the
 * rest, which is what the dynamic threshold lets happen once large blocks stop going to mmap.
 * With the fixed threshold: the high mode in none of 8 runs (defaults: 4 of 17), steady RSS
 * 178-180 MB against 188-190 (and 223 in the high mode), CPU within the hour's drift
 * (docs/benchmarks.md, 2026-12-06).
 */
export const VOICE_IMAGE_ENV = { MALLOC_MMAP_THRESHOLD_: '131072' } as const;

/** The image's whole node command line before the script (the Dockerfile's CMD): stack traces in TypeScript terms, plus the V8 flags. */
export const VOICE_IMAGE_NODE_FLAGS = ['--enable-source-maps', ...VOICE_NODE_FLAGS] as const;

/**
 * Packages whose generated barrels load on first use (scripts/lazy-barrels.ts). The ElevenLabs
 * SDK's schema and type barrels were 24 MB of the idle heap that every mark-compact marked.
 */
export const VOICE_LAZY_BARRELS: readonly LazyFolder[] = [{ packageName: '@elevenlabs/elevenlabs-js', folders: ['serialization', 'api'] }];

export interface BuildVoiceOptions {
  readonly outDir?: string;
  /** Filled with what the lazy-barrels plugin rewrote (tests). */
  readonly lazyBarrels?: LazyBarrelsReport;
}

export async function buildVoiceBundle(options: BuildVoiceOptions = {}): Promise<BuildResult<{ metafile: true }>> {
  const outDir = options.outDir ?? DEFAULT_OUT_DIR;
  const result = await build({
    entryPoints: { index: VOICE_ENTRY },
    // Packages (and the lazy-barrels plugin's targets) resolve from the repository, whatever the cwd.
    absWorkingDir: REPO_ROOT,
    outdir: outDir,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: true,
    // The image runs with --enable-source-maps: Node reads the map at start-up and keeps it. With
    // the original sources inside (32 MB) the idle heap grew by 37 MB and RSS by 64 MB; without
    // them by 16 MB and 7 MB. Stack traces need only the mappings.
    sourcesContent: false,
    external: VOICE_EXTERNALS,
    legalComments: 'linked',
    logLevel: 'warning',
    metafile: true,
    plugins: [lazyBarrelsPlugin(VOICE_LAZY_BARRELS, options.lazyBarrels)],
  });
  mapOnlyOwnSources(path.join(outDir, 'index.js.map'));
  return result;
}

/**
 * The first stack trace Node formats decodes the whole map: with every package's mappings that was
 * 832 ms of CPU in one go and 193 MB of heap kept for the life of the process (the benchmark's
 * live set per call at 200 calls read 1.1 MB instead of ~0.12). Our frames keep their TypeScript
 * positions; a library's frames show the bundle's line and the function's name.
 */
function mapOnlyOwnSources(mapFile: string): void {
  const map = JSON.parse(readFileSync(mapFile, 'utf8')) as SourceMapV3;
  writeFileSync(mapFile, JSON.stringify(keepSourceMappings(map, (source) => !source.includes('node_modules/'))));
}

function parseOutDir(argv: string[]): string | undefined {
  const index = argv.indexOf('--outdir');
  if (index === -1) return undefined;
  const value = argv[index + 1];
  if (value === undefined) throw new Error('--outdir needs a directory');
  return path.resolve(value);
}

if (require.main === module) {
  const outDir = parseOutDir(process.argv.slice(2));
  buildVoiceBundle({ outDir }).then(
    () => process.stdout.write(`voice bundle written to ${outDir ?? DEFAULT_OUT_DIR}\n`),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
