import fc from 'fast-check';
import {
  MAX_BUCKET_MS,
  MAX_DISTINCT_VALUES,
  bucketLatencyMs,
  toValuesAndCounts,
} from '../../services/voice/src/observability/latency-histogram';

describe('turn latency histogram for CloudWatch Values/Counts', () => {
  it('stays within the 150 distinct values PutMetricData accepts, whatever the samples', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -10, max: 500_000, noNaN: true }), { maxLength: 3000 }), (samples) => {
        const { values, counts, sampleCount } = toValuesAndCounts(samples);
        expect(values.length).toBeLessThanOrEqual(MAX_DISTINCT_VALUES);
        expect(counts.reduce((a, b) => a + b, 0)).toBe(samples.length);
        expect(sampleCount).toBe(samples.length);
        expect([...values].sort((a, b) => a - b)).toEqual(values);
      }),
    );
    // Every grid point at once: the worst case is still under the limit.
    const everyMs = Array.from({ length: MAX_BUCKET_MS + 1 }, (_, i) => i);
    expect(toValuesAndCounts(everyMs).values.length).toBeLessThanOrEqual(MAX_DISTINCT_VALUES);
  });

  it('keeps 10 ms precision below one second and at most 12.5% relative error above it', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1000, noNaN: true }), (v) => {
        expect(Math.abs(bucketLatencyMs(v) - v)).toBeLessThanOrEqual(10);
      }),
    );
    fc.assert(
      fc.property(fc.double({ min: 1000, max: MAX_BUCKET_MS, noNaN: true }), (v) => {
        expect(Math.abs(bucketLatencyMs(v) - v) / v).toBeLessThanOrEqual(0.125);
      }),
    );
    expect(bucketLatencyMs(1510)).toBe(1500);
  });

  it('clamps nonsense: negatives and NaN to 0, huge values to the top bucket', () => {
    expect(bucketLatencyMs(-5)).toBe(0);
    expect(bucketLatencyMs(Number.NaN)).toBe(0);
    expect(bucketLatencyMs(10 * 60_000)).toBe(MAX_BUCKET_MS);
  });
});
