import { FrameClock } from '../../services/exotel-sim/src/frame-clock';

describe('FrameClock', () => {
  // Fake timers: the schedule, not how busy the test machine is (a real 560 ms sleep failed CI
  // with a 160.009 ms gap when another suite held the worker's loop).
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('ticks every call once per period, with calls spread over the phases instead of one burst', () => {
    const clock = new FrameClock(100, 10);
    const ticks = new Map<number, number[]>();
    const unsubs = Array.from({ length: 40 }, (_, i) => {
      ticks.set(i, []);
      return clock.subscribe((now) => ticks.get(i)?.push(now));
    });
    jest.advanceTimersByTime(560);
    unsubs.forEach((u) => u());
    expect(clock.listenerCount).toBe(0);

    for (const times of ticks.values()) {
      // ~5 ticks in 560 ms, each ~100 ms after the previous one (timer jitter allowed).
      expect(times.length).toBeGreaterThanOrEqual(4);
      expect(times.length).toBeLessThanOrEqual(6);
      for (let k = 1; k < times.length; k++) {
        const gap = (times[k] as number) - (times[k - 1] as number);
        expect(gap).toBeGreaterThan(60);
        expect(gap).toBeLessThan(160);
      }
    }
    // The first ticks of the 40 calls fall in 10 distinct phases, 4 calls each.
    const firstTicks = [...ticks.values()].map((t) => t[0] as number);
    const distinct = new Map<number, number>();
    for (const t of firstTicks) distinct.set(t, (distinct.get(t) ?? 0) + 1);
    expect(distinct.size).toBe(10);
    expect([...distinct.values()].every((n) => n === 4)).toBe(true);
  });

  it('keeps the phases balanced as calls leave and join', () => {
    const clock = new FrameClock(100, 4);
    const unsubs = Array.from({ length: 8 }, () => clock.subscribe(() => undefined));
    // Two calls leave phase 0 (the 1st and 5th subscribers went there); the next two joiners fill it again.
    unsubs[0]?.();
    unsubs[4]?.();
    expect(clock.phaseLoads).toEqual([0, 2, 2, 2]);
    const a = clock.subscribe(() => undefined);
    expect(clock.phaseLoads).toEqual([1, 2, 2, 2]);
    const b = clock.subscribe(() => undefined);
    expect(clock.phaseLoads).toEqual([2, 2, 2, 2]);
    expect(clock.listenerCount).toBe(8);
    for (const u of [...unsubs.slice(1, 4), ...unsubs.slice(5), a, b]) u();
    expect(clock.listenerCount).toBe(0);
  });
});
