import { measureWorkCpuMs, median, probeWork } from '../../bench/speed-probe';

describe('speed probe', () => {
  it('does the same fixed work every time and reports its CPU time', () => {
    expect(probeWork(10)).toBe(probeWork(10));
    const ms = measureWorkCpuMs(50);
    expect(ms).toBeGreaterThan(0);
    expect(ms).toBeLessThan(10_000);
  });

  it('takes medians, even and odd, and none of nothing', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
  });
});
