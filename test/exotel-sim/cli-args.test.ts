import { parseCliArgs } from '../../services/exotel-sim/src/cli-args';

describe('CLI arguments', () => {
  it('defaults to one mixed call, unsigned', () => {
    const parsed = parseCliArgs(['--target', 'ws://h:1'], {});
    expect(parsed).toEqual({
      ok: true,
      args: expect.objectContaining({ target: 'ws://h:1', calls: 1, ramp: 0, scenario: 'mixed', json: false, signingKey: undefined }),
    });
  });

  it('does not cap steady mode at one call when --calls is absent', () => {
    const parsed = parseCliArgs(['--target', 'ws://h:1', '--concurrency', '50', '--duration', '120'], {});
    expect(parsed.ok && parsed.args.calls).toBe(0);
    expect(parsed.ok && parsed.args.concurrency).toBe(50);
  });

  it('reads the signing key and its id from the environment', () => {
    const withId = parseCliArgs(['--target', 'wss://h'], { STREAM_SIGNING_KEY: 's', STREAM_SIGNING_KEY_ID: 'k7' });
    expect(withId.ok && withId.args.signingKey).toEqual({ id: 'k7', secret: 's' });
    const defaultId = parseCliArgs(['--target', 'wss://h'], { STREAM_SIGNING_KEY: 's' });
    expect(defaultId.ok && defaultId.args.signingKey).toEqual({ id: 'env', secret: 's' });
  });

  it('rejects a non-WebSocket target, an unknown scenario and unknown flags', () => {
    expect(parseCliArgs(['--target', 'http://h'], {}).ok).toBe(false);
    expect(parseCliArgs(['--target', 'ws://h', '--scenario', 'nope'], {}).ok).toBe(false);
    expect(parseCliArgs(['--target', 'ws://h', '--bogus'], {}).ok).toBe(false);
    expect(parseCliArgs(['--target', 'ws://h', '--calls', '0'], {}).ok).toBe(false);
  });
});
