import Redis from 'ioredis';
import { startRedis } from '../support/redis-server';
import {
  DEFAULT_LIMITS,
  DistributedSemaphore,
  InProcessLimiter,
  capacityConfigFromEnv,
  closeLimiters,
  createLimiters,
  limitsFromEnv,
} from '../../services/voice/src/capacity';

describe('capacity configuration', () => {
  it('uses the plan defaults when no LIMIT_* is set', () => {
    expect(limitsFromEnv({})).toEqual({ 'deepgram-stt': 20, 'elevenlabs-tts': 10, 'deepgram-tts': 100, 'openai-llm': 50 });
    expect(limitsFromEnv({ LIMIT_DEEPGRAM_STT: '' })).toEqual(DEFAULT_LIMITS);
  });

  it('reads overrides and names the bad variable', () => {
    expect(limitsFromEnv({ LIMIT_DEEPGRAM_STT: '150', LIMIT_OPENAI_LLM: '7' })).toMatchObject({
      'deepgram-stt': 150,
      'openai-llm': 7,
      'elevenlabs-tts': 10,
    });
    expect(() => limitsFromEnv({ LIMIT_ELEVENLABS_TTS: '0' })).toThrow(/LIMIT_ELEVENLABS_TTS/);
    expect(() => limitsFromEnv({ LIMIT_DEEPGRAM_TTS: 'lots' })).toThrow(/LIMIT_DEEPGRAM_TTS/);
    expect(() => limitsFromEnv({ LIMIT_OPENAI_LLM: '2.5' })).toThrow(/LIMIT_OPENAI_LLM/);
  });

  it('builds the whole config from the environment', () => {
    expect(capacityConfigFromEnv({ REDIS_URL: 'redis://cache:6379', CAPACITY_LEASE_TTL_MS: '9000' })).toEqual({
      limits: DEFAULT_LIMITS,
      redisUrl: 'redis://cache:6379',
      leaseTtlMs: 9000,
    });
    expect(capacityConfigFromEnv({ REDIS_URL: '' })).toEqual({ limits: DEFAULT_LIMITS });
    expect(capacityConfigFromEnv({ REDIS_URL: 'rediss://cache:6379', REDIS_AUTH_TOKEN: 'tok' })).toMatchObject({
      redisUrl: 'rediss://cache:6379',
      redisPassword: 'tok',
    });
    expect(() => capacityConfigFromEnv({ CAPACITY_LEASE_TTL_MS: '60000' })).toThrow();
  });
});

describe('createLimiters', () => {
  it('without a redisUrl gives in-process limiters with the configured limits', async () => {
    const limiters = createLimiters({ limits: { ...DEFAULT_LIMITS, 'elevenlabs-tts': 3 } });
    expect(limiters['elevenlabs-tts']).toBeInstanceOf(InProcessLimiter);
    expect(await limiters['elevenlabs-tts'].stats()).toMatchObject({ name: 'elevenlabs-tts', limit: 3 });
    await closeLimiters(limiters);
  });

  it('with a redisUrl gives Redis limiters sharing one pair of connections, closed with the last', async () => {
    const redis = await startRedis();
    try {
      const limiters = createLimiters({ limits: DEFAULT_LIMITS, redisUrl: redis.url, keyPrefix: 'factory:' });
      expect(limiters['deepgram-stt']).toBeInstanceOf(DistributedSemaphore);
      const lease = await limiters['deepgram-stt'].acquire({ owner: 'CA123' });
      expect(await limiters['deepgram-stt'].stats()).toMatchObject({ inUse: 1, limit: 20 });
      expect(await limiters['openai-llm'].stats()).toMatchObject({ inUse: 0, limit: 50 });
      await lease.release();
      await closeLimiters(limiters);
    } finally {
      await redis.stop();
    }
  });

  it('authenticates with redisPassword (the ElastiCache AUTH token) when the URL has none', async () => {
    const redis = await startRedis();
    try {
      const admin = new Redis(redis.url);
      await admin.config('SET', 'requirepass', 'auth-token-for-test');
      admin.disconnect();
      const limiters = createLimiters({ limits: DEFAULT_LIMITS, redisUrl: redis.url, redisPassword: 'auth-token-for-test' });
      const lease = await limiters['openai-llm'].acquire({ timeoutMs: 5000 });
      expect((await limiters['openai-llm'].stats()).inUse).toBe(1);
      await lease.release();
      await closeLimiters(limiters);
    } finally {
      await redis.stop();
    }
  });
});
