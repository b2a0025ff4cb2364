import { waitUntil } from './helpers';

describe('waitUntil (test helper)', () => {
  it('treats a check that throws as not yet, and resolves once it holds', async () => {
    let calls = 0;
    await waitUntil(async () => {
      calls++;
      if (calls < 3) throw new Error('NOGROUP No such key');
      return true;
    }, 2000);
    expect(calls).toBe(3);
  });

  it('rejects at the deadline with the last error instead of hanging', async () => {
    await expect(
      waitUntil(() => {
        throw new Error('NOGROUP No such key');
      }, 100),
    ).rejects.toThrow(/condition not met in time \(last error: NOGROUP No such key\)/);
  });
});
