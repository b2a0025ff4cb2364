import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { parseSigningSecret, secretsManagerSigningKeys, staticSigningKeys } from '../../services/shared/src/stream-auth';

const current = { id: 'k2', secret: 'n'.repeat(48) };
const previous = { id: 'k1', secret: 'o'.repeat(48) };

describe('signing keys', () => {
  it('parses the secret shape {"current","previous"} into the key to sign with and the keys to accept', () => {
    const set = parseSigningSecret(JSON.stringify({ current, previous }));
    expect(set.current).toEqual(current);
    expect(set.valid).toEqual([current, previous]);
  });

  it('rejects short secrets and malformed shapes without echoing the secret', () => {
    const short = 'tooshort-secret-value';
    expect(() => parseSigningSecret(JSON.stringify({ current: { id: 'k', secret: short } }))).toThrow(/current\.secret/);
    try {
      parseSigningSecret(JSON.stringify({ current: { id: 'k', secret: short } }));
    } catch (err) {
      expect(String(err)).not.toContain(short);
    }
    expect(() => parseSigningSecret('{not json')).toThrow(/not valid JSON/);
    // The CDK stack generates a bare secret; it is the only key, id 'env', until someone rotates.
    const bare = parseSigningSecret('x'.repeat(48));
    expect(bare.current).toEqual({ id: 'env', secret: 'x'.repeat(48) });
    expect(() => parseSigningSecret('short')).toThrow(/too short/);
    expect(() => parseSigningSecret(JSON.stringify({ current, previous: current }))).toThrow(/differ/);
  });

  it('takes STREAM_SIGNING_KEY as a bare secret (key id "env")', async () => {
    const set = await staticSigningKeys('s'.repeat(32)).getKeys();
    expect(set.current.id).toBe('env');
  });

  describe('from Secrets Manager', () => {
    const sm = mockClient(SecretsManagerClient);
    afterEach(() => sm.reset());

    it('caches for the TTL and picks up a rotation after it', async () => {
      let now = 0;
      sm.on(GetSecretValueCommand)
        .resolvesOnce({ SecretString: JSON.stringify({ current: previous }) })
        .resolves({ SecretString: JSON.stringify({ current, previous }) });
      const provider = secretsManagerSigningKeys({
        client: new SecretsManagerClient({ region: 'us-east-1' }),
        secretId: 'arn:secret',
        cacheTtlMs: 60_000,
        nowMs: () => now,
      });
      expect((await provider.getKeys()).current.id).toBe('k1');
      now = 59_000;
      expect((await provider.getKeys()).current.id).toBe('k1');
      expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(1);
      now = 61_000;
      const rotated = await provider.getKeys();
      expect(rotated.current.id).toBe('k2');
      expect(rotated.valid.map((k) => k.id)).toEqual(['k2', 'k1']);
      expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(2);
    });

    it('shares one fetch among concurrent cold callers', async () => {
      sm.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ current }) });
      const provider = secretsManagerSigningKeys({ client: new SecretsManagerClient({ region: 'us-east-1' }), secretId: 'arn:secret' });
      await Promise.all(Array.from({ length: 10 }, () => provider.getKeys()));
      expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    });

    it('keeps the last good keys for a while when a refresh fails, then fails', async () => {
      let now = 0;
      sm.on(GetSecretValueCommand).resolvesOnce({ SecretString: JSON.stringify({ current }) }).rejects(new Error('throttled'));
      const provider = secretsManagerSigningKeys({
        client: new SecretsManagerClient({ region: 'us-east-1' }),
        secretId: 'arn:secret',
        cacheTtlMs: 1_000,
        nowMs: () => now,
      });
      await provider.getKeys();
      now = 1_500;
      expect((await provider.getKeys()).current.id).toBe('k2');
      now = 2_500;
      await expect(provider.getKeys()).rejects.toThrow('throttled');
    });
  });
});
