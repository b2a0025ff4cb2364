import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type RunningChild, startChild } from '../../bench/child-process';
import { buildLoopProbe, loopStatsAt, measureLiveAfterFullGc } from '../../bench/phase-runner';

jest.setTimeout(30_000);

const MB = 1024 * 1024;

// A target that builds ~60 MB of objects, keeps them through a few scavenges (so they reach old
// space, where only a mark-compact frees them), drops them, prints its heap and then idles: what
// the voice service looks like after start-up. It exits on SIGTERM once its timer is cleared.
const TARGET = `
let keep = [];
for (let i = 0; i < 600; i++) keep.push(Array.from({ length: 10000 }, (_, j) => ({ j })));
const hold = setInterval(() => undefined, 1000);
setTimeout(() => {
  keep = null;
  const m = process.memoryUsage();
  console.log(JSON.stringify({ heapUsed: m.heapUsed + m.arrayBuffers }));
}, 200);
process.on('SIGTERM', () => clearInterval(hold));
`;

describe('loop probe: the live set after a full GC, asked for over IPC', () => {
  let dir: string;
  let probe: string;
  const children: RunningChild[] = [];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'loop-probe-test-'));
    probe = buildLoopProbe(resolve(__dirname, '../..'), dir);
    writeFileSync(join(dir, 'target.js'), TARGET);
  });

  afterAll(async () => {
    await Promise.all(children.map((c) => c.stop('SIGKILL')));
    rmSync(dir, { recursive: true, force: true });
  });

  function start(opts: { exposeGc: boolean; ipc: boolean }): { child: RunningChild; heapBefore: Promise<number>; statsFile: string } {
    const statsFile = join(dir, `loop-${children.length}.jsonl`);
    let resolveHeap: (n: number) => void = () => undefined;
    const heapBefore = new Promise<number>((r) => (resolveHeap = r));
    const child = startChild({
      name: 'probe-target',
      nodeFlags: [...(opts.exposeGc ? ['--expose-gc'] : []), '--require', probe],
      args: [join(dir, 'target.js')],
      env: { BENCH_LOOP_STATS_FILE: statsFile },
      logFile: join(dir, `target-${children.length}.log`),
      ipc: opts.ipc,
      onLine: (line) => resolveHeap((JSON.parse(line) as { heapUsed: number }).heapUsed),
    });
    children.push(child);
    return { child, heapBefore, statsFile };
  }

  it('reports far less than a heap sample taken over uncollected garbage, and records it as a mark-compact reading', async () => {
    const { child, heapBefore, statsFile } = start({ exposeGc: true, ipc: true });
    const before = await heapBefore;
    expect(before).toBeGreaterThan(40 * MB);

    const live = await measureLiveAfterFullGc(child);
    expect(live).toBeDefined();
    expect(live!).toBeGreaterThan(1 * MB);
    expect(live!).toBeLessThan(before - 30 * MB);

    // The forced collection is a mark-compact: the probe's next line carries its reading.
    await new Promise((r) => setTimeout(r, 1300));
    const line = loopStatsAt(readFileSync(statsFile, 'utf8'), Date.now());
    expect(line?.liveAfterMajorGcMinBytes).toBeDefined();
    expect(line!.liveAfterMajorGcMinBytes!).toBeLessThan(before - 30 * MB);

    // The IPC channel does not keep the target alive: SIGTERM ends it without the SIGKILL fallback.
    await child.stop('SIGTERM', 5000);
    expect(await child.exited).toBe(0);
  });

  it('answers nothing it cannot measure: no --expose-gc, or no channel', async () => {
    const noGc = start({ exposeGc: false, ipc: true });
    await noGc.heapBefore;
    expect(await measureLiveAfterFullGc(noGc.child)).toBeUndefined();

    const noIpc = start({ exposeGc: true, ipc: false });
    await noIpc.heapBefore;
    expect(await measureLiveAfterFullGc(noIpc.child)).toBeUndefined();
  });
});
