import { MINUTES_PER_DAY } from '../../services/cost-report/src/autoscaling-simulator';
import { builtInDay, interpolateDay, loadDay, parseCustomProfile } from '../../services/cost-report/src/demand-profiles';

describe('demand profiles', () => {
  it('follows the plan\'s e-commerce day, rescaled to the peak', () => {
    const d = builtInDay('ecommerce', 130); // the plan's own peak: values as in its table
    expect(d).toHaveLength(MINUTES_PER_DAY);
    expect(d[3 * 60]).toBeCloseTo(8, 6); // 5-10 calls overnight
    expect(d[10 * 60]).toBeCloseTo(35, 6);
    expect(d[12 * 60]).toBeCloseTo(65, 6);
    expect(d[18 * 60 + 5]).toBeCloseTo(130, 6);
    expect(d[21 * 60]).toBeCloseTo(40, 6);
    expect(Math.max(...builtInDay('ecommerce', 100))).toBeCloseTo(100, 6);
  });

  it('runs business hours at the peak and a tenth of it outside', () => {
    const d = builtInDay('business-hours', 150);
    expect(d[8 * 60 + 59]).toBe(15);
    expect(d[9 * 60]).toBe(150);
    expect(d[17 * 60 - 1]).toBe(150);
    expect(d[17 * 60]).toBe(15);
  });

  it('interpolates linearly and wraps at midnight', () => {
    const d = interpolateDay([{ minute: 0, calls: 0 }, { minute: 720, calls: 120 }]);
    expect(d[360]).toBeCloseTo(60, 10);
    expect(d[1080]).toBeCloseTo(60, 10); // halfway back down to midnight's 0
  });

  it('reads a CSV day with a header and HH:MM times', () => {
    const d = parseCustomProfile('time,calls\n00:00,10\n12:00,50\n', 'csv');
    expect(d[0]).toBe(10);
    expect(d[6 * 60]).toBeCloseTo(30, 10);
    expect(d[12 * 60]).toBe(50);
  });

  it('reads 24 hourly JSON values as steps and rescales to --peak', () => {
    const hourly = Array.from({ length: 24 }, (_, h) => h);
    const d = loadDay('day.json', 46, () => JSON.stringify(hourly));
    expect(d[23 * 60]).toBeCloseTo(46, 10);
    expect(d[10 * 60 + 30]).toBeCloseTo(20, 10);
  });

  it('rejects malformed input with a reason', () => {
    expect(() => parseCustomProfile('[1,2,3]', 'json')).toThrow(/24 \(hourly\) or 1440/);
    expect(() => parseCustomProfile('{"points":[{"time":"25:00","calls":3}]}', 'json')).toThrow();
    expect(() => loadDay('weekly', 10)).toThrow(/unknown profile weekly/);
    expect(() => loadDay('flat', undefined)).toThrow(/needs a peak/);
  });
});
