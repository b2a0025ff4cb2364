import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { SourceMap, type SourceMapPayload } from 'node:module';
import * as path from 'node:path';
import { VOICE_IMAGE_NODE_FLAGS, buildVoiceBundle } from '../../scripts/build-voice';
import { VOICE_BUILD_CONTEXT_EXCLUDES } from '../../lib/voice/voice-image';
import { freePort } from '../support/free-port';

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
    // The build stage runs the same build the tests use.
    expect(dockerfile).toMatch(/^RUN npm ci /m);
    expect(dockerfile).toMatch(/^RUN npm run build$/m);
  });

  describe('bundle', () => {
    let imageDir: string;
    let configDir: string;
    let child: ChildProcess | undefined;
    let inputs: string[];

    beforeAll(async () => {
      // imageDir mirrors /app in the runtime stage: exactly what `COPY ... /src/dist/voice/ ./` puts there.
      imageDir = mkdtempSync(path.join(tmpdir(), 'voice-image-'));
      configDir = mkdtempSync(path.join(tmpdir(), 'voice-config-'));
      const result = await buildVoiceBundle({ outDir: imageDir });
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

    it('finds the native masking it ships beside the bundle (a build machine without it would fall back to JS)', () => {
      const loaded = execFileSync(process.execPath, ['-e', "process.stdout.write(String(require('bufferutil').mask))"], { cwd: imageDir, encoding: 'utf8' });
      expect(loaded).toMatch(process.platform === 'linux' && process.arch === 'x64' ? /\[native code\]/ : /./);
    });
  });
});
