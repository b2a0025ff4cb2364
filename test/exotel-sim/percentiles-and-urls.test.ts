import { percentiles } from '../../services/exotel-sim/src';
import { verifyStreamSignature } from '../../services/shared/src/stream-signature';
import { splitBasicAuth } from '../../services/exotel-sim/src/stream-connection';
import { buildStreamUrl, statsUrlFor } from '../../services/exotel-sim/src/stream-url';

describe('percentiles', () => {
  it('uses nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i); // 1..100, unsorted
    expect(percentiles(values)).toEqual({ p50: 50, p95: 95, p99: 99 });
    expect(percentiles([7])).toEqual({ p50: 7, p95: 7, p99: 7 });
    expect(percentiles([1, 2, 3, 1000])).toEqual({ p50: 2, p95: 1000, p99: 1000 });
  });

  it('is NaN with no values, so a threshold check cannot pass on an empty run', () => {
    const p = percentiles([]);
    expect(Number.isNaN(p.p50) && Number.isNaN(p.p95) && Number.isNaN(p.p99)).toBe(true);
  });
});

describe('stream URLs', () => {
  it('signs the URL when a key is given, and the voice service verifier accepts it', () => {
    const nowSec = 1_700_000_000;
    const url = new URL(
      buildStreamUrl({ target: 'wss://voice.example', callSid: 'CA1', agentId: 'sales', signingKey: { id: 'k2', secret: 's3cret' }, nowSec }),
    );
    expect(url.pathname).toBe('/ws/exotel/voice/CA1');
    expect(url.searchParams.get('kid')).toBe('k2');
    const check = verifyStreamSignature('CA1', url.searchParams, [{ id: 'k2', secret: 's3cret' }], nowSec);
    expect(check.ok).toBe(true);
    expect(verifyStreamSignature('CA2', url.searchParams, [{ id: 'k2', secret: 's3cret' }], nowSec).ok).toBe(false);
  });

  it('treats a bare secret as key id env, and leaves the URL unsigned without a key', () => {
    const signed = new URL(buildStreamUrl({ target: 'ws://h:1', callSid: 'CA1', signingKey: 'x' }));
    expect(signed.searchParams.get('kid')).toBe('env');
    const plain = new URL(buildStreamUrl({ target: 'ws://h:1', callSid: 'CA1', agentId: 'a' }));
    expect(plain.searchParams.has('sig')).toBe(false);
    expect(plain.searchParams.get('agent')).toBe('a');
  });

  it('turns user:pass in the URL into a Basic header and strips it from the URL', () => {
    const split = splitBasicAuth('wss://exo%40tel:p%3Ass@voice.example/ws/exotel/voice/CA1');
    expect(split.url).toBe('wss://voice.example/ws/exotel/voice/CA1');
    expect(split.authorization).toBe(`Basic ${Buffer.from('exo@tel:p:ss').toString('base64')}`);
    expect(splitBasicAuth('ws://h/x').authorization).toBeUndefined();
  });

  it('derives the stats URL from the target', () => {
    expect(statsUrlFor('wss://u:p@voice.example')).toBe('https://u:p@voice.example/api/stats');
    expect(statsUrlFor('ws://127.0.0.1:8080')).toBe('http://127.0.0.1:8080/api/stats');
  });
});
