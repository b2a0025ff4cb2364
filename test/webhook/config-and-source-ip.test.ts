import { loadWebhookConfig } from '../../services/webhook/src/config';
import { parseCidrList, sourceIpFromForwardedFor } from '../../services/webhook/src/request/source-ip';
import { BASE_ENV } from './support/webhook-fixtures';

describe('webhook configuration (validated at cold start)', () => {
  it('applies the documented defaults', () => {
    const c = loadWebhookConfig(BASE_ENV);
    expect(c.limits).toEqual({ callsPerMinute: 50, callsPerAgentPerMinute: 20, callsPerCallerPerMinute: 3 });
    expect(c.failMode).toBe('closed');
    expect(c.streamUrlTtlSeconds).toBe(60);
    expect(c.streamUrlField).toBe('url');
    expect(c.bucketSeconds).toBe(10);
  });

  it.each([
    [{ STREAM_SIGNING_KEY: undefined }, /STREAM_SIGNING_KEY/],
    [{ STREAM_BASE_URL: 'https://voice.example.com' }, /STREAM_BASE_URL/],
    [{ CALLS_PER_MINUTE: 'fifty' }, /CALLS_PER_MINUTE/],
    [{ RATE_LIMIT_FAIL_MODE: 'maybe' }, /RATE_LIMIT_FAIL_MODE/],
    [{ RATE_LIMIT_BUCKET_SECONDS: '7' }, /RATE_LIMIT_BUCKET_SECONDS/],
    [{ TRUSTED_CIDRS: '10.0.0.0/33' }, /TRUSTED_CIDRS/],
    [{ TRUSTED_CIDRS: 'exotel.com' }, /TRUSTED_CIDRS/],
    [{ DYNAMODB_ENDPOINT: 'http://localhost:4567' }, /RATE_LIMIT_TABLE/],
  ])('rejects %j', (override, message) => {
    expect(() => loadWebhookConfig({ ...BASE_ENV, ...override })).toThrow(message);
  });

  it('never echoes the signing key in a configuration error', () => {
    const key = 'k'.repeat(40);
    expect(() => loadWebhookConfig({ ...BASE_ENV, STREAM_SIGNING_KEY: key, CALLS_PER_MINUTE: '-1' })).toThrow(/^(?!.*kkkk).*$/s);
  });
});

describe('source IP (rightmost-untrusted X-Forwarded-For)', () => {
  const none = parseCidrList('', 'none');
  it('takes the rightmost entry: the address the ALB saw', () => {
    expect(sourceIpFromForwardedFor('1.1.1.1, 2.2.2.2, 3.3.3.3', none)).toBe('3.3.3.3');
  });
  it('skips our own forwarding proxies from the right', () => {
    const proxies = parseCidrList('10.0.0.0/8, fd00::/8', 'proxies');
    expect(sourceIpFromForwardedFor('1.1.1.1, 2.2.2.2, fd00::1, 10.0.0.7', proxies)).toBe('2.2.2.2');
  });
  it('gives up (untrusted) on a malformed hop instead of looking further left', () => {
    expect(sourceIpFromForwardedFor('182.76.1.1, not-an-ip', none)).toBeUndefined();
    expect(sourceIpFromForwardedFor(undefined, none)).toBeUndefined();
  });
  it('matches IPv4 and IPv6 CIDRs, including IPv4-mapped addresses and bare addresses', () => {
    const list = parseCidrList('182.76.0.0/16, 2405:8a00::/32, 198.51.100.7', 'TRUSTED_CIDRS');
    expect(list.contains('182.76.255.1')).toBe(true);
    expect(list.contains('182.77.0.1')).toBe(false);
    expect(list.contains('2405:8a00:ffff::1')).toBe(true);
    expect(list.contains('2405:8a01::1')).toBe(false);
    expect(list.contains('::ffff:182.76.3.4')).toBe(true);
    expect(list.contains('198.51.100.7')).toBe(true);
    expect(list.contains('198.51.100.8')).toBe(false);
  });
});
