/**
 * The machine's speed during a phase, measured beside the process under test. These machines are
 * shared: the same code measured 1.5 and 2.1 ms CPU per call-second in runs ten minutes apart
 * (a neighbour on the sibling hyperthread, cache pressure, clock changes). The floor and the
 * voice service run in different phases, minutes apart, so their ratio carries that swing.
 *
 * This child, pinned to the target's core, runs a fixed piece of work shaped like the service's
 * own (JSON, base64, small objects, garbage) once a second (~5 ms of it) and prints the CPU time it took. CPU
 * time, not wall time: being preempted by the target does not count, being slowed down does.
 * The median over a window is the phase's speed; CPU per call-second divided by it compares
 * phases run at different speeds. It costs its core ~0.5%.
 *
 *   node --import tsx bench/speed-probe.ts   → one JSON line per second: {"workCpuMs": 4.8}
 */
const FRAME = JSON.stringify({
  event: 'media',
  stream_sid: 'probe',
  sequence_number: '1',
  media: { chunk: '1', timestamp: '100', payload: Buffer.alloc(1600, 7).toString('base64') },
});

/** The fixed work: what one inbound and one outbound frame cost, a few hundred times. */
export function probeWork(rounds = 1000): number {
  let checksum = 0;
  for (let i = 0; i < rounds; i++) {
    const parsed = JSON.parse(FRAME) as { media: { payload: string } };
    const pcm = Buffer.from(parsed.media.payload, 'base64');
    const out = `{"event":"media","stream_sid":"probe","media":{"payload":"${pcm.toString('base64')}"}}`;
    const objects = Array.from({ length: 20 }, (_, k) => ({ k, at: i, tag: `t${k}` }));
    checksum += out.length + pcm[i % pcm.length]! + objects.length;
  }
  return checksum;
}

/** CPU milliseconds (user + system) the work took. */
export function measureWorkCpuMs(rounds?: number): number {
  const before = process.cpuUsage();
  probeWork(rounds);
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

if (require.main === module) {
  for (let i = 0; i < 50; i++) measureWorkCpuMs(); // warm the JIT before anything is reported
  setInterval(() => process.stdout.write(`${JSON.stringify({ workCpuMs: measureWorkCpuMs() })}\n`), 1000);
}
