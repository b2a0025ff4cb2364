import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { AgentConfigInput } from '../../services/voice/src/agents/agent-config';
import { freePort } from './free-port';

const ROOT = resolve(__dirname, '../..');

/** A voice-service task as its own OS process (what ECS runs), for crash and drain tests. */
export interface VoiceProcess {
  url: string;
  wsBase: string;
  child: ChildProcess;
  output(): string;
  stats(): Promise<Record<string, any>>;
  /** Resolves with the exit code (or signal) when the process ends. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal?: NodeJS.Signals): void;
}

export function writeAgentsFile(agents: AgentConfigInput[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'ca-agents-'));
  const file = join(dir, 'agents.json');
  writeFileSync(file, JSON.stringify(agents));
  return file;
}

/** How to run the service; by default its TypeScript sources through tsx, in this process's environment. */
export interface VoiceLaunch {
  /** node's arguments, e.g. the image's flags and `index.js` to run the bundle. */
  args: string[];
  cwd: string;
  /** false: only PATH and NODE_ENV=production from this process, as in the image. Default true. */
  inheritEnv?: boolean;
}

export async function startVoiceProcess(env: Record<string, string>, launch?: VoiceLaunch): Promise<VoiceProcess> {
  const port = await freePort();
  let out = '';
  // node itself with tsx as a loader (not the tsx CLI, which runs node as a grandchild): a
  // SIGKILL here must kill the very process that holds the leases.
  const args = launch?.args ?? ['--import', 'tsx', join(ROOT, 'services/voice/src/main.ts')];
  const baseEnv = launch?.inheritEnv === false ? { PATH: process.env.PATH ?? '', NODE_ENV: 'production' } : process.env;
  const child = spawn(process.execPath, args, {
    cwd: launch?.cwd ?? ROOT,
    env: { ...baseEnv, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.once('exit', (code, signal) => r({ code, signal })),
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`voice process exited early: ${out}`);
    try {
      const res = await fetch(`${url}/health`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`voice process did not become healthy: ${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    wsBase: url.replace(/^http/, 'ws'),
    child,
    output: () => out,
    stats: async () => (await (await fetch(`${url}/api/stats`)).json()) as Record<string, any>,
    exited,
    kill: (signal = 'SIGTERM') => child.kill(signal),
  };
}
