import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import OpenAI from 'openai';
import { z } from 'zod';

const ROOT = join(__dirname, '..', '..');

const statsSchema = z.object({
  deepgramStt: z.object({ open: z.number(), totalRequests: z.number() }),
  openai: z.object({ totalRequests: z.number(), rejected429: z.number(), faultsInjected: z.number() }),
  faults: z.record(z.unknown()),
  delays: z.object({ openai: z.object({ ttftMs: z.number(), tokensPerSecond: z.number() }) }),
  limits: z.object({ deepgramStt: z.number(), elevenlabs: z.number() }),
});

async function startCli(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(ROOT, 'services/emulators/src/cli.ts'), ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (child.stdout === null) throw new Error('no stdout');
  const lines = createInterface({ input: child.stdout });
  const [firstLine] = (await once(lines, 'line')) as [string];
  return { child, url: z.object({ url: z.string().url() }).parse(JSON.parse(firstLine)).url };
}

async function post(url: string, body: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, json: await res.json() };
}

describe('emulator CLI and admin HTTP (how the bench and demo drive a separate emulator process)', () => {
  let child: ChildProcess;
  let url: string;
  beforeAll(async () => {
    ({ child, url } = await startCli(['--port', '0', '--stt-limit', '3', '--el-limit', '4', '--config', JSON.stringify({ openai: { ttftMs: 1, tokensPerSecond: 0, retryAfterS: 0.01 } })]));
  }, 30_000);
  afterAll(async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  });

  it('prints its URL, applies CLI limits and config, and reports stats', async () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const stats = statsSchema.parse(await (await fetch(`${url}/__emulator/stats`)).json());
    expect(stats.limits).toMatchObject({ deepgramStt: 3, elevenlabs: 4 });
    expect(stats.delays.openai).toEqual({ ttftMs: 1, tokensPerSecond: 0 });
  });

  it('sets faults, config and scripts over HTTP, validates them, and resets', async () => {
    expect((await post(`${url}/__emulator/faults`, { provider: 'openai', fault: { kind: '429', count: 1 } })).status).toBe(200);
    expect((await post(`${url}/__emulator/faults`, { provider: 'nope', fault: null })).status).toBe(400);
    expect((await post(`${url}/__emulator/config`, { openai: { replies: ['From the admin endpoint.'] } })).status).toBe(200);
    expect((await post(`${url}/__emulator/config`, { openai: { unknownKnob: 1 } })).status).toBe(400);
    expect((await post(`${url}/__emulator/scripts`, { tag: 'call-9', lines: ['Hello.'] })).status).toBe(200);

    const client = new OpenAI({ apiKey: 'k', baseURL: `${url}/v1`, maxRetries: 1 });
    const completion = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
    expect(completion.choices[0]?.message.content).toBe('From the admin endpoint.');
    const stats = statsSchema.parse(await (await fetch(`${url}/__emulator/stats`)).json());
    expect(stats.openai).toMatchObject({ totalRequests: 2, rejected429: 1, faultsInjected: 1 });
    const recorded = z.array(z.unknown()).parse(await (await fetch(`${url}/__emulator/openai-requests`)).json());
    expect(recorded).toHaveLength(2);

    expect((await post(`${url}/__emulator/reset`, {})).status).toBe(200);
    const after = statsSchema.parse(await (await fetch(`${url}/__emulator/stats`)).json());
    expect(after.openai.totalRequests).toBe(0);
    expect(after.faults).toEqual({});
  });

  it('stops on SIGTERM with exit code 0', async () => {
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
  });
});
