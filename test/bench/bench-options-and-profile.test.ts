import { PRESETS, parseBenchArgs } from '../../bench/bench-options';
import { BENCH_SCRIPTS } from '../../bench/bench-script';
import { OURS_PATTERN, summarizeCpuProfile } from '../../bench/cpu-profile-summary';

describe('bench options', () => {
  it('defaults to the full run; --quick picks the short preset', () => {
    const full = parseBenchArgs([]);
    const quick = parseBenchArgs(['--quick']);
    expect(full.ok && full.options).toEqual(PRESETS.full);
    expect(quick.ok && quick.options.steps).toEqual([25, 100]);
    expect(quick.ok && quick.options.profile).toBe(false);
  });

  it('takes overrides and refuses malformed ones', () => {
    const r = parseBenchArgs(['--quick', '--steps', '10,20', '--steady-sec', '5', '--no-floor', '--profile']);
    expect(r.ok && r.options).toMatchObject({ steps: [10, 20], steadySec: 5, floor: false, profile: true });
    expect(parseBenchArgs(['--steps', '10,x']).ok).toBe(false);
    expect(parseBenchArgs(['--steady-sec', '-1']).ok).toBe(false);
    // The lower level's window: on by default, 0 turns it off, negative is refused.
    expect(PRESETS.full.memorySec).toBeGreaterThan(0);
    const off = parseBenchArgs(['--memory-sec', '0']);
    expect(off.ok && off.options.memorySec).toBe(0);
    expect(parseBenchArgs(['--memory-sec', '-5']).ok).toBe(false);
    expect(parseBenchArgs(['--bogus']).ok).toBe(false);
  });

  it('--rounds sets how many voice phases a step runs; one by default, whole numbers from 1 to 9', () => {
    expect(PRESETS.full.rounds).toBe(1);
    const three = parseBenchArgs(['--rounds', '3']);
    expect(three.ok && three.options.rounds).toBe(3);
    for (const bad of ['0', '2.5', '10', 'x']) {
      const r = parseBenchArgs(['--rounds', bad]);
      expect(r.ok).toBe(false);
      expect(!r.ok && r.error).toMatch(/rounds|number/i);
    }
  });

  it('--script picks the caller; the ramp becomes one of its calls unless --ramp-sec says otherwise', () => {
    const stress = parseBenchArgs([]);
    expect(stress.ok && stress.options).toMatchObject({ script: 'stress', rampSec: BENCH_SCRIPTS.stress.callSec });
    const realistic = parseBenchArgs(['--script', 'realistic', '--steps', '200']);
    expect(realistic.ok && realistic.options).toMatchObject({ script: 'realistic', rampSec: BENCH_SCRIPTS.realistic.callSec, steps: [200] });
    const ramped = parseBenchArgs(['--script', 'realistic', '--ramp-sec', '30']);
    expect(ramped.ok && ramped.options.rampSec).toBe(30);
    const bad = parseBenchArgs(['--script', 'chatty']);
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error).toMatch(/stress.*realistic/);
  });
});

describe('CPU profile summary', () => {
  const root = '/repo';
  const frame = (functionName: string, url: string, lineNumber = 0) => ({ functionName, url, lineNumber });
  const profile = {
    nodes: [
      { id: 1, callFrame: frame('(root)', '') },
      { id: 2, callFrame: frame('parseInbound', 'file:///repo/services/voice/src/exotel/stream-protocol.ts', 119) },
      { id: 3, callFrame: frame('send', 'file:///repo/node_modules/ws/lib/sender.js', 10) },
      { id: 4, callFrame: frame('mediaFrame', 'file:///repo/services/voice/src/exotel/stream-protocol.ts', 150) },
      // the same function reached by another path: merged
      { id: 5, callFrame: frame('parseInbound', 'file:///repo/services/voice/src/exotel/stream-protocol.ts', 119) },
    ],
    samples: [2, 3, 2, 4, 5, 3, 3, 1],
    timeDeltas: [1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000],
  };

  it('adds self time per function, keeps only services/voice/src in "ours", largest first', () => {
    const s = summarizeCpuProfile(profile, root);
    expect(s.totalMs).toBe(8);
    expect(s.oursMs).toBe(4);
    expect(s.topOurs.map((e) => e.functionName)).toEqual(['parseInbound', 'mediaFrame']);
    expect(s.topOurs[0]).toEqual({ functionName: 'parseInbound', location: 'services/voice/src/exotel/stream-protocol.ts', selfMs: 3, selfPercent: 37.5 });
    expect(s.topAll[0]?.functionName).toBe('parseInbound');
    expect(s.topAll.map((e) => e.functionName)).toContain('send');
  });

  it('recognises our sources wherever the repository is checked out', () => {
    expect(OURS_PATTERN.test('file:///home/x/app/services/voice/src/app.ts')).toBe(true);
    expect(OURS_PATTERN.test('file:///home/x/app/services/emulators/src/index.ts')).toBe(false);
  });

  it('rejects something that is not a CPU profile', () => {
    expect(() => summarizeCpuProfile({ nodes: 'x' }, root)).toThrow();
  });
});
