import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { SourceMap, type SourceMapPayload } from 'node:module';
import * as path from 'node:path';
import { VOICE_IMAGE_ENV, VOICE_IMAGE_NODE_FLAGS, VOICE_LAZY_BARRELS, buildVoiceBundle } from '../../scripts/build-voice';
import type { LazyBarrelsReport } from '../../scripts/lazy-barrels';
import { VOICE_BUILD_CONTEXT_EXCLUDES } from '../../lib/voice/voice-image';
import { startEmulators } from '../../services/emulators/src/index';
import { SimulatedCall, hangup, say, waitForAgent, type CallScript } from '../../services/exotel-sim/src/index';
import { freePort } from '../support/free-port';
import { FAST_EMULATORS, providerEnv } from '../support/voice-harness';
import { startVoiceProcess, type VoiceProcess } from '../support/voice-process';

const REPO_ROOT = path.resolve(__dirname, '../..');
const dockerfile = readFileSync(path.join(REPO_ROOT, 'services/voice/Dockerfile'), 'utf8');

/** The runtime stage: everything after the last FROM. */
function runtimeStage(): string {
  const stages = dockerfile.split(/^FROM /m);
  return stages[stages.length - 1] ?? '';
}

async function getHealth(port: number, child: ChildProcess, output: () => string): Promise<number> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`voice bundle exited with ${child.exitCode}:\n${output()}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/health`);
      await response.arrayBuffer();
      return response.status;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  throw new Error(`no answer on /health within 30 s:\n${output()}`);
}

describe('the voice image', () => {
  it("runtime stage is non-root and ships the bundle plus ws's native masking from the build stage", () => {
    const runtime = runtimeStage();
    expect(runtime).toMatch(/^node:20[\w.-]*-slim AS runtime/);
    expect(runtime).toMatch(/^USER node$/m);
    const copies = runtime.match(/^COPY .*$/gm) ?? [];
    expect(copies).toEqual([
      'COPY --from=build --chown=node:node /src/dist/voice/ ./',
      // ws's optional native masking, external to the bundle (build-voice.ts VOICE_EXTERNALS).
      'COPY --from=build --chown=node:node /src/node_modules/bufferutil/ ./node_modules/bufferutil/',
      'COPY --from=build --chown=node:node /src/node_modules/node-gyp-build/ ./node_modules/node-gyp-build/',
    ]);
    // The benchmark runs the bundle with the same command line (VOICE_IMAGE_NODE_FLAGS).
    const cmd = runtime.match(/^CMD (\[.*\])$/m)?.[1];
    expect(JSON.parse(cmd ?? '[]')).toEqual(['node', ...VOICE_IMAGE_NODE_FLAGS, 'index.js']);
    // ... and the same allocator environment (VOICE_IMAGE_ENV).
    const env = Object.fromEntries(
      (runtime.match(/^ENV ((?:.*\\\n)*.*)$/m)?.[1] ?? '')
        .split(/\s*\\\n\s*|\s+/)
        .filter(Boolean)
        .map((pair) => pair.split('=') as [string, string]),
    );
    expect(env).toEqual({ NODE_ENV: 'production', PORT: '8080', ...VOICE_IMAGE_ENV });
    // The build stage runs the same build the tests use.
    expect(dockerfile).toMatch(/^RUN npm ci /m);
    expect(dockerfile).toMatch(/^RUN npm run build$/m);
  });

  it('build stage has the build script and every local module it imports, in the context CDK stages and in its COPY', () => {
    // Follow scripts/build-voice.ts's relative imports (import ... from './x').
    const needed = new Set<string>();
    const visit = (rel: string): void => {
      if (needed.has(rel)) return;
      needed.add(rel);
      const source = readFileSync(path.join(REPO_ROOT, rel), 'utf8');
      for (const [, spec] of source.matchAll(/^import [^;]*? from '(\.{1,2}\/[^']+)';$/gm)) {
        visit(path.posix.join(path.posix.dirname(rel), `${spec as string}.ts`));
      }
    };
    visit('scripts/build-voice.ts');
    expect([...needed].sort()).toEqual(['scripts/build-voice.ts', 'scripts/lazy-barrels.ts', 'scripts/source-map-filter.ts']);
    // Docker's ignore rules: the last pattern that matches a path decides (a leading ! includes).
    const included = (file: string): boolean => {
      let keep = true;
      for (const pattern of VOICE_BUILD_CONTEXT_EXCLUDES) {
        const negated = pattern.startsWith('!');
        const glob = negated ? pattern.slice(1) : pattern;
        const re = new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}(/.*)?$`);
        if (re.test(file)) keep = negated;
      }
      return keep;
    };
    const copied = new Set((dockerfile.match(/^COPY (?!--from)(.*) \S+$/gm) ?? []).flatMap((line) => line.replace(/^COPY /, '').split(' ').slice(0, -1)));
    for (const file of needed) {
      expect({ file, inContext: included(file), copied: copied.has(file) }).toEqual({ file, inContext: true, copied: true });
    }
    expect(included('scripts/bench-something.ts')).toBe(false);
  });

  describe('bundle', () => {
    let imageDir: string;
    let configDir: string;
    let child: ChildProcess | undefined;
    let inputs: string[];
    const lazyBarrels: LazyBarrelsReport = { rewritten: new Map() };

    beforeAll(async () => {
      // imageDir mirrors /app in the runtime stage: exactly what `COPY ... /src/dist/voice/ ./` puts there.
      imageDir = mkdtempSync(path.join(tmpdir(), 'voice-image-'));
      configDir = mkdtempSync(path.join(tmpdir(), 'voice-config-'));
      const result = await buildVoiceBundle({ outDir: imageDir, lazyBarrels });
      inputs = Object.keys(result.metafile.inputs);
      // ...plus what the runtime stage copies from the build stage's node_modules.
      for (const [, from, to] of runtimeStage().matchAll(/^COPY --from=build \S+ \/src\/(node_modules\/\S+) \.\/(\S+)$/gm)) {
        cpSync(path.join(REPO_ROOT, from as string), path.join(imageDir, to as string), { recursive: true });
      }
    });

    afterAll(async () => {
      if (child !== undefined && child.exitCode === null) {
        const exited = new Promise((resolve) => child?.once('exit', resolve));
        child.kill('SIGKILL');
        await exited;
      }
      rmSync(imageDir, { recursive: true, force: true });
      rmSync(configDir, { recursive: true, force: true });
    });

    it('is one CommonJS file with its source map', () => {
      // index.js.LEGAL.txt carries the bundled packages' licence notices (legalComments: linked).
      expect(readdirSync(imageDir).sort()).toEqual(['index.js', 'index.js.LEGAL.txt', 'index.js.map', 'node_modules']);
    });

    it('maps bundle positions back to the TypeScript sources, without carrying the sources themselves', () => {
      // SourceMap is the implementation --enable-source-maps uses for stack traces.
      const payload = JSON.parse(readFileSync(path.join(imageDir, 'index.js.map'), 'utf8')) as SourceMapPayload;
      expect(payload.sourcesContent).toBeUndefined();
      const lines = readFileSync(path.join(imageDir, 'index.js'), 'utf8').split('\n');
      const line = lines.findIndex((l) => l.includes('function loadVoiceEnv('));
      expect(line).toBeGreaterThan(-1);
      const entry = new SourceMap(payload).findEntry(line, (lines[line] ?? '').indexOf('loadVoiceEnv'));
      expect('originalSource' in entry ? entry.originalSource : undefined).toMatch(/services\/voice\/src\/config\/env\.ts$/);
    });

    it('imports only sources the image build context contains (services/voice, services/shared)', () => {
      const sources = inputs.filter((input) => !input.includes('node_modules/'));
      expect(sources.length).toBeGreaterThan(0);
      for (const source of sources) expect(source).toMatch(/^services\/(voice|shared)\//);
      expect(VOICE_BUILD_CONTEXT_EXCLUDES).toEqual(expect.arrayContaining(['!services/voice', '!services/shared']));
    });

    it('starts with node from a directory holding only the bundle and answers GET /health with 200', async () => {
      const port = await freePort();
      // Agent definitions are runtime data, not part of the image; local mode reads them from a file.
      const agentsFile = path.join(configDir, 'agents.json');
      writeFileSync(agentsFile, JSON.stringify([{ agentId: 'default' }]));
      let output = '';
      child = spawn(process.execPath, [...VOICE_IMAGE_NODE_FLAGS, 'index.js'], {
        cwd: imageDir,
        env: {
          ...VOICE_IMAGE_ENV,
          PATH: process.env.PATH,
          NODE_ENV: 'production',
          PORT: String(port),
          HOST: '127.0.0.1',
          ENVIRONMENT: 'test',
          SERVICE_NAME: 'voice',
          LOG_LEVEL: 'warn',
          AGENTS_FILE: agentsFile,
          DATA_DIR: path.join(configDir, 'data'),
          DEEPGRAM_API_KEY: 'test-deepgram-key',
          OPENAI_API_KEY: 'test-openai-key',
          ELEVENLABS_API_KEY: 'test-elevenlabs-key',
          STREAM_AUTH_MODE: 'required',
          STREAM_SIGNING_KEY: 'test-signing-key-with-enough-entropy-0123456789',
          MAX_CALLS_PER_TASK: '40',
          DRAIN_DEADLINE_SEC: '5',
          METRICS_INTERVAL_SEC: '60',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));

      expect(await getHealth(port, child, () => output)).toBe(200);
    });

    it("loads the ElevenLabs SDK's schema and type barrels lazily, and only its text-to-speech client", () => {
      for (const target of VOICE_LAZY_BARRELS) {
        for (const folder of target.folders) expect(lazyBarrels.rewritten.get(`${target.packageName}/${folder}`)).toBeGreaterThan(0);
      }
      const sdkClients = inputs.filter((input) => /@elevenlabs\/elevenlabs-js\/api\/resources\/[^/]+\/client\/Client\.js$/.test(input));
      expect(sdkClients.map((input) => input.replace(/.*\/api\/resources\//, ''))).toEqual(['textToSpeech/client/Client.js']);
    });

    it('serves calls from the bundle: ElevenLabs speaks, and when it fails (5xx) the call goes on with Deepgram Aura', async () => {
      const emu = await startEmulators(FAST_EMULATORS);
      let voice: VoiceProcess | undefined;
      try {
        const agentsFile = path.join(configDir, 'call-agents.json');
        writeFileSync(agentsFile, JSON.stringify([{ agentId: 'default', greeting: 'Hello! How can I help?', stt: { endpointingMs: 200 } }]));
        voice = await startVoiceProcess(
          { ...VOICE_IMAGE_ENV, ...providerEnv(emu), AGENTS_FILE: agentsFile, DATA_DIR: path.join(configDir, 'call-data'), STREAM_AUTH_MODE: 'disabled', ENVIRONMENT: 'test' },
          { args: [...VOICE_IMAGE_NODE_FLAGS, 'index.js'], cwd: imageDir, inheritEnv: false },
        );
        const listen = [waitForAgent({ until: 'speaking', timeoutMs: 8000 }), waitForAgent({ until: 'silent', timeoutMs: 15000 })];
        const script: CallScript = { name: 'one-turn', steps: [...listen, say(1200), ...listen, hangup()] };
        const place = (callSid: string) => new SimulatedCall({ url: `${voice?.wsBase}/ws/exotel/voice/${callSid}?agent=default`, callSid, script }).run();

        const ok = await place('CAbundle1');
        expect(ok.completed).toBe(true);
        expect(ok.turns[0]?.latencyMs).not.toBeNull();
        expect(emu.stats().elevenlabs.totalRequests).toBeGreaterThanOrEqual(2);
        expect(emu.stats().deepgramTts.totalRequests).toBe(0);

        emu.setFault('elevenlabs', { kind: '5xx', status: 503 });
        const failedOver = await place('CAbundle2');
        expect(failedOver.completed).toBe(true);
        expect(failedOver.greetingLatencyMs).not.toBeNull();
        expect(failedOver.turns[0]?.latencyMs).not.toBeNull();
        expect(emu.stats().deepgramTts.totalRequests).toBeGreaterThan(0);
        // The SDK's error path ran in the bundle: ElevenLabs answered 503, and the service moved on.
        expect(emu.stats().elevenlabs.faultsInjected).toBeGreaterThan(0);
      } finally {
        voice?.kill('SIGKILL');
        await voice?.exited;
        await emu.close();
      }
    });

    it('finds the native masking it ships beside the bundle (a build machine without it would fall back to JS)', () => {
      const loaded = execFileSync(process.execPath, ['-e', "process.stdout.write(String(require('bufferutil').mask))"], { cwd: imageDir, encoding: 'utf8' });
      expect(loaded).toMatch(process.platform === 'linux' && process.arch === 'x64' ? /\[native code\]/ : /./);
    });
  });
});
