/**
 * Client CPU per provider HTTP request: the lean fetch and the ElevenLabs client over it, against
 * a local server in another process that streams 1,600-byte chunks (100 ms of 8 kHz PCM) 3 ms
 * apart, as the TTS emulator does at speed. 50 requests in flight, `process.cpuUsage()` of this
 * process over 2,000 requests after 500 to warm up; each case runs in a fresh child process.
 * The h2c cases send the same requests over HTTP/2 (cleartext, prior knowledge) through undici's
 * HTTP/2 client: what a cancel would save if the providers' connections were multiplexed.
 *
 * Run: npx tsx bench/http-client-cost.ts [--root <checkout>] [--baseline <checkout>] [--rounds N] [--only <text>]
 * `--root` measures another checkout's providers (e.g. a `git worktree` of the previous commit)
 * with this script, so both sides of an A/B run the same load. `--baseline` measures a second
 * checkout in the same run, alternating with `--root` round by round (this host drifts by tens of
 * percent within minutes), and prints the median of the round-by-round ratios. `--only` keeps the cases whose
 * name contains the text.
 */
import { fork, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createH2cServer, type Http2ServerRequest, type Http2ServerResponse } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Agent, buildConnector } from 'undici';
import { median } from './step-metrics';

const CHUNK = Buffer.alloc(1600, 1);
const IN_FLIGHT = 50;
const WARM = 10;
const MEASURED = 40;

interface Case {
  name: string;
  chunks: number;
  /** Cancel each request after this many chunks (a barge-in): its connection cannot be reused. */
  abortAfter?: number;
  client: 'lean-fetch' | 'elevenlabs';
  /** HTTP/1.1 (the default), or HTTP/2 without TLS; lean fetch only. */
  transport?: 'h1' | 'h2c';
}

const CASES: Case[] = [
  { name: 'lean fetch, 1 chunk', chunks: 1, client: 'lean-fetch' },
  { name: 'lean fetch, 20 chunks', chunks: 20, client: 'lean-fetch' },
  { name: 'ElevenLabs SDK, 20 chunks', chunks: 20, client: 'elevenlabs' },
  { name: 'ElevenLabs SDK, cancelled after 10 of 20', chunks: 20, abortAfter: 10, client: 'elevenlabs' },
  { name: 'lean fetch, cancelled after 10 of 20', chunks: 20, abortAfter: 10, client: 'lean-fetch' },
  { name: 'lean fetch over h2c, 20 chunks', chunks: 20, client: 'lean-fetch', transport: 'h2c' },
  { name: 'lean fetch over h2c, cancelled after 10 of 20', chunks: 20, abortAfter: 10, client: 'lean-fetch', transport: 'h2c' },
];

interface Ports {
  h1: number;
  h2c: number;
}

/** What the handler needs of a request and a response, the same in node:http and node:http2. */
interface ChunkRequest {
  readonly url?: string;
  resume(): unknown;
  on(event: 'end', listener: () => void): unknown;
}
interface ChunkResponse {
  readonly destroyed: boolean;
  writeHead(status: number, headers: Record<string, string>): unknown;
  write(chunk: Buffer): boolean;
  end(): unknown;
  on(event: 'close', listener: () => void): unknown;
}

function streamChunks(req: ChunkRequest, res: ChunkResponse): void {
  const chunks = Number(/chunks-(\d+)/.exec(req.url ?? '')?.[1] ?? '1');
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'audio/pcm' });
    let sent = 0;
    const timer = setInterval(() => {
      if (res.destroyed) return clearInterval(timer);
      res.write(CHUNK);
      if (++sent === chunks) {
        clearInterval(timer);
        res.end();
      }
    }, 3);
    res.on('close', () => clearInterval(timer));
  });
}

function serve(): void {
  const h1 = createServer((req: IncomingMessage, res: ServerResponse) => streamChunks(req, res));
  const h2c = createH2cServer((req: Http2ServerRequest, res: Http2ServerResponse) => streamChunks(req, res));
  let listening = 0;
  const ready = (): void => {
    if (++listening < 2) return;
    const ports: Ports = { h1: (h1.address() as AddressInfo).port, h2c: (h2c.address() as AddressInfo).port };
    process.send?.(ports);
  };
  h1.listen(0, '127.0.0.1', ready);
  h2c.listen(0, '127.0.0.1', ready);
}

/** Runs one request, cancelling it after `c.abortAfter` chunks when the case says so (a barge-in). */
async function cancellable(c: Case, request: (signal: AbortSignal, onChunk: () => void) => Promise<void>): Promise<void> {
  const ac = new AbortController();
  let n = 0;
  try {
    await request(ac.signal, () => {
      if (++n === c.abortAfter) ac.abort();
    });
  } catch (err) {
    if (!ac.signal.aborted) throw err;
  }
}

async function measure(root: string, c: Case, ports: Ports): Promise<number> {
  const base = `http://127.0.0.1:${c.transport === 'h2c' ? ports.h2c : ports.h1}`;
  let one: () => Promise<void>;
  const body = JSON.stringify({ text: 'Thank you. I can see your order here.', model_id: 'm' });
  if (c.client === 'lean-fetch') {
    const { createLeanFetch } = (await import(resolve(root, 'services/voice/src/providers/http/lean-fetch'))) as typeof import('../services/voice/src/providers/http/lean-fetch');
    const { streamBody } = (await import(resolve(root, 'services/voice/src/providers/http/stream-body'))) as typeof import('../services/voice/src/providers/http/stream-body');
    // undici's Pool does not pass `useH2c` on to its connector: give it one that does.
    const h2c = c.transport === 'h2c' ? new Agent({ allowH2: true, connect: buildConnector({ allowH2: true, useH2c: true } as buildConnector.BuildOptions) }) : undefined;
    const leanFetch = createLeanFetch(h2c ? { dispatcher: h2c } : {});
    one = () =>
      cancellable(c, async (signal, onChunk) => {
        const res = await leanFetch(`${base}/stream/chunks-${c.chunks}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal });
        await streamBody(res.body as never, onChunk);
      });
  } else {
    const { ElevenLabsTts } = (await import(resolve(root, 'services/voice/src/providers/tts/elevenlabs-tts'))) as typeof import('../services/voice/src/providers/tts/elevenlabs-tts');
    // The SDK builds /v1/text-to-speech/<voice>/stream; the voice id carries the chunk count.
    const tts = new ElevenLabsTts('key', base);
    one = () =>
      cancellable(c, (signal, onChunk) =>
        tts.synthesize({ text: 'Thank you. I can see your order here.', voiceId: `chunks-${c.chunks}`, model: 'm' }, signal, onChunk),
      );
  }
  const run = (perWorker: number) => Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
    for (let i = 0; i < perWorker; i++) await one();
  }));
  await run(WARM);
  const before = process.cpuUsage();
  await run(MEASURED);
  const used = process.cpuUsage(before);
  return (used.user + used.system) / (IN_FLIGHT * MEASURED);
}

/** The measured client on core 0 (where taskset exists), the server on whatever is left. */
function pinned(args: string[]): { cmd: string; args: string[] } {
  const taskset = spawnSync('taskset', ['-c', '0', 'true']).status === 0;
  return taskset ? { cmd: 'taskset', args: ['-c', '0', process.execPath, ...args] } : { cmd: process.execPath, args };
}

async function runCase(root: string, index: number, ports: Ports): Promise<number> {
  const { cmd, args } = pinned([...process.execArgv, __filename, '--child', String(index), '--ports', JSON.stringify(ports), '--root', root]);
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((r) => child.on('exit', r));
  if (code !== 0) throw new Error(`case ${CASES[index]?.name} exited with ${code}`);
  return Number(out.trim());
}

const fmt = (samples: number[]) => `median ${(median(samples) ?? NaN).toFixed(0).padStart(5)}   (${samples.map((s) => s.toFixed(0)).join(', ')})`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      root: { type: 'string' },
      baseline: { type: 'string' },
      rounds: { type: 'string' },
      only: { type: 'string' },
      child: { type: 'string' },
      ports: { type: 'string' },
      serve: { type: 'boolean' },
    },
  });
  const root = resolve(values.root ?? resolve(__dirname, '..'));
  if (values.serve) return serve();
  if (values.child !== undefined) {
    const us = await measure(root, CASES[Number(values.child)]!, JSON.parse(values.ports ?? '{}') as Ports);
    process.stdout.write(`${us}\n`);
    process.exit(0);
  }
  const baseline = values.baseline === undefined ? undefined : resolve(values.baseline);
  const server: ChildProcess = fork(__filename, ['--serve'], { execArgv: process.execArgv });
  const ports = await new Promise<Ports>((r) => server.once('message', (m) => r(m as Ports)));
  const rounds = Number(values.rounds ?? 3);
  try {
    console.log(`client CPU per request (µs), ${rounds} rounds, root ${root}${baseline ? `, alternating with baseline ${baseline}` : ''}`);
    for (const [i, c] of CASES.entries()) {
      if (values.only !== undefined && !c.name.includes(values.only)) continue;
      const samples: number[] = [];
      const base: number[] = [];
      for (let r = 0; r < rounds; r++) {
        // Alternate which side goes first, so a drift within the round falls on both.
        if (baseline && r % 2 === 1) base.push(await runCase(baseline, i, ports));
        samples.push(await runCase(root, i, ports));
        if (baseline && r % 2 === 0) base.push(await runCase(baseline, i, ports));
      }
      console.log(`${c.name.padEnd(44)} ${fmt(samples)}`);
      if (baseline) {
        // Paired by round: each pair ran back to back, so their ratio carries less of the drift.
        const paired = samples.map((s, r) => s / base[r]!);
        const lower = paired.filter((p) => p < 1).length;
        console.log(`${'  baseline'.padEnd(44)} ${fmt(base)}`);
        console.log(`${'  root/baseline, paired by round'.padEnd(44)} median ${(median(paired) ?? NaN).toFixed(2)}, root lower in ${lower} of ${rounds}`);
      }
    }
  } finally {
    server.kill();
  }
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
