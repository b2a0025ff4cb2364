import fc from 'fast-check';
import { createAdmissionLimiter } from '../../services/webhook/src/rate-limit/admission-limiter';
import { MemoryCounterStore } from '../../services/webhook/src/rate-limit/memory-counter-store';
import { maxAdmittedInAnySpan } from './support/span-count';

const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);

describe('sliding window (bucketed, K+1 buckets)', () => {
  it('never admits more than the limit in any 60 s span, whatever the arrival pattern', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 300_000 }), { minLength: 1, maxLength: 400 }),
        fc.integer({ min: 1, max: 30 }),
        fc.constantFrom(1_000, 5_000, 10_000, 20_000, 30_000, 60_000),
        async (offsets, limit, bucketMs) => {
          const limiter = createAdmissionLimiter(new MemoryCounterStore({ windowMs: 60_000, bucketMs }));
          const admitted: number[] = [];
          for (const at of [...offsets].sort((a, b) => a - b)) {
            if ((await limiter.admit([{ scope: 'global', id: '', limitPerMinute: limit }], T0 + at)).kind === 'admitted') admitted.push(at);
          }
          expect(maxAdmittedInAnySpan(admitted, 60_000)).toBeLessThanOrEqual(limit);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('frees quota within 60 s + one bucket of the calls that used it', async () => {
    const limiter = createAdmissionLimiter(new MemoryCounterStore());
    const check = [{ scope: 'global' as const, id: '', limitPerMinute: 10 }];
    for (let i = 0; i < 10; i++) await limiter.admit(check, T0 + 9_999);
    expect((await limiter.admit(check, T0 + 69_999)).kind).toBe('refused');
    expect((await limiter.admit(check, T0 + 70_000)).kind).toBe('admitted');
  });

  it('a classic fixed window would double the limit at the boundary; this one does not', async () => {
    const limiter = createAdmissionLimiter(new MemoryCounterStore());
    const check = [{ scope: 'global' as const, id: '', limitPerMinute: 50 }];
    let admitted = 0;
    for (let i = 0; i < 100; i++) if ((await limiter.admit(check, T0 + 59_000 + i * 20)).kind === 'admitted') admitted++;
    expect(admitted).toBe(50); // 100 calls within 2 s straddling the minute
  });

  it('forgets callers whose counters have expired (bounded memory)', async () => {
    const store = new MemoryCounterStore();
    for (let i = 0; i < 1500; i++) await store.tryIncrement(`rl#caller#+91${i}`, 3, T0);
    for (let i = 0; i < 1000; i++) await store.tryIncrement('rl#global', 1e9, T0 + 120_000);
    expect(store.trackedKeys).toBeLessThan(10);
  });
});
