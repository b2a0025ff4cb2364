/**
 * Client CPU per provider HTTP request: the lean fetch and the ElevenLabs client over it, against
 * a local server in another process that streams 1,600-byte chunks (100 ms of 8 kHz PCM) 3 ms
 * apart, as the TTS emulator does at speed. 50 requests in flight, `process.cpuUsage()` of this
 * process over 2,000 requests after 500 to warm up; each case runs in a fresh child process.
 *
 * Run: npx tsx bench/http-client-cost.ts [--root <checkout>] [--baseline <checkout>] [--rounds N] [--only <text>]
 * `--root` measures another checkout's providers (e.g. a `git worktree` of the previous commit)
 * with this script, so both sides of an A/B run the same load. `--baseline` measures a second
 * checkout in the same run, alternating with `--root` round by round (this host drifts by tens of
 * percent within minutes), and prints the median of the round-by-round ratios. `--only` keeps the cases whose
 * name contains the text.
 */
import { fork, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

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
}

const CASES: Case[] = [
  { name: 'lean fetch, 1 chunk', chunks: 1, client: 'lean-fetch' },
  { name: 'lean fetch, 20 chunks', chunks: 20, client: 'lean-fetch' },
  { name: 'ElevenLabs SDK, 20 chunks', chunks: 20, client: 'elevenlabs' },
  { name: 'ElevenLabs SDK, cancelled after 10 of 20', chunks: 20, abortAfter: 10, client: 'elevenlabs' },
];

function serve(): void {
  const server = createServer((req, res) => {
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
    });
  });
  server.listen(0, '127.0.0.1', () => process.send?.((server.address() as AddressInfo).port));
}

async function measure(root: string, c: Case, port: number): Promise<number> {
  const base = `http://127.0.0.1:${port}`;
  let one: () => Promise<void>;
  const body = JSON.stringify({ text: 'Thank you. I can see your order here.', model_id: 'm' });
  if (c.client === 'lean-fetch') {
    const { createLeanFetch } = (await import(resolve(root, 'services/voice/src/providers/http/lean-fetch'))) as typeof import('../services/voice/src/providers/http/lean-fetch');
    const { streamBody } = (await import(resolve(root, 'services/voice/src/providers/http/stream-body'))) as typeof import('../services/voice/src/providers/http/stream-body');
    const leanFetch = createLeanFetch();
    one = async () => {
      const res = await leanFetch(`${base}/stream/chunks-${c.chunks}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      await streamBody(res.body as never, () => undefined);
    };
  } else {
    const { ElevenLabsTts } = (await import(resolve(root, 'services/voice/src/providers/tts/elevenlabs-tts'))) as typeof import('../services/voice/src/providers/tts/elevenlabs-tts');
    // The SDK builds /v1/text-to-speech/<voice>/stream; the voice id carries the chunk count.
    const tts = new ElevenLabsTts('key', base);
    one = async () => {
      const ac = new AbortController();
      let n = 0;
      await tts
        .synthesize({ text: 'Thank you. I can see your order here.', voiceId: `chunks-${c.chunks}`, model: 'm' }, ac.signal, () => {
          if (++n === c.abortAfter) ac.abort();
        })
        .catch((err: unknown) => {
          if (!ac.signal.aborted) throw err;
        });
    };
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

async function runCase(root: string, index: number, port: number): Promise<number> {
  const { cmd, args } = pinned([...process.execArgv, __filename, '--child', String(index), '--port', String(port), '--root', root]);
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((r) => child.on('exit', r));
  if (code !== 0) throw new Error(`case ${CASES[index]?.name} exited with ${code}`);
  return Number(out.trim());
}

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const fmt = (samples: number[]) => `median ${median(samples).toFixed(0).padStart(5)}   (${samples.map((s) => s.toFixed(0)).join(', ')})`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      root: { type: 'string' },
      baseline: { type: 'string' },
      rounds: { type: 'string' },
      only: { type: 'string' },
      child: { type: 'string' },
      port: { type: 'string' },
      serve: { type: 'boolean' },
    },
  });
  const root = resolve(values.root ?? resolve(__dirname, '..'));
  if (values.serve) return serve();
  if (values.child !== undefined) {
    const us = await measure(root, CASES[Number(values.child)]!, Number(values.port));
    process.stdout.write(`${us}\n`);
    process.exit(0);
  }
  const baseline = values.baseline === undefined ? undefined : resolve(values.baseline);
  const server: ChildProcess = fork(__filename, ['--serve'], { execArgv: process.execArgv });
  const port = await new Promise<number>((r) => server.once('message', (m) => r(Number(m))));
  const rounds = Number(values.rounds ?? 3);
  try {
    console.log(`client CPU per request (µs), ${rounds} rounds, root ${root}${baseline ? `, alternating with baseline ${baseline}` : ''}`);
    for (const [i, c] of CASES.entries()) {
      if (values.only !== undefined && !c.name.includes(values.only)) continue;
      const samples: number[] = [];
      const base: number[] = [];
      for (let r = 0; r < rounds; r++) {
        // Alternate which side goes first, so a drift within the round falls on both.
        if (baseline && r % 2 === 1) base.push(await runCase(baseline, i, port));
        samples.push(await runCase(root, i, port));
        if (baseline && r % 2 === 0) base.push(await runCase(baseline, i, port));
      }
      console.log(`${c.name.padEnd(44)} ${fmt(samples)}`);
      if (baseline) {
        // Paired by round: each pair ran back to back, so their ratio carries less of the drift.
        const paired = samples.map((s, r) => s / base[r]!);
        const lower = paired.filter((p) => p < 1).length;
        console.log(`${'  baseline'.padEnd(44)} ${fmt(base)}`);
        console.log(`${'  root/baseline, paired by round'.padEnd(44)} median ${median(paired).toFixed(2)}, root lower in ${lower} of ${rounds}`);
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
