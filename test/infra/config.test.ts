import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { devConfig } from '../../lib/config/environments/dev';
import { prodConfig } from '../../lib/config/environments/prod';
import { stagingConfig } from '../../lib/config/environments/staging';
import type { EnvironmentConfig } from '../../lib/config/environment-config';
import {
  EnvironmentConfigError,
  loadEnvironmentConfig,
  validateEnvironmentConfig,
} from '../../lib/config/load-environment-config';
import { CLOUDWATCH_LOG_RETENTION_DAYS } from '../../lib/config/log-retention';
import { cdkRetentionDays } from '../../lib/shared/log-retention';

function withChanges(base: EnvironmentConfig, change: (draft: EnvironmentConfig) => void): unknown {
  const draft = structuredClone(base);
  change(draft);
  return draft;
}

describe('environment selection (-c env=<name>)', () => {
  it.each(['dev', 'staging', 'prod'])('loads and validates %s', (name) => {
    expect(loadEnvironmentConfig(name).name).toBe(name);
  });

  it('rejects an unknown environment and names the valid ones', () => {
    expect(() => loadEnvironmentConfig('production')).toThrow(
      new EnvironmentConfigError('Unknown environment "production": expected one of dev, staging, prod.'),
    );
  });

  it('asks for -c env when none is given', () => {
    expect(() => loadEnvironmentConfig(undefined)).toThrow(/pass -c env=<name>/);
    expect(() => loadEnvironmentConfig('')).toThrow(/pass -c env=<name>/);
  });
});

describe('the plan defaults for autoscaling', () => {
  it.each([prodConfig, stagingConfig])('$name: 25 calls per task, 2-6 tasks, 300 s out / 600 s in, ARM64', (config) => {
    expect(config.voice).toMatchObject({
      targetCallsPerTask: 25,
      minTasks: 2,
      maxTasks: 6,
      scaleOutCooldownSec: 300,
      scaleInCooldownSec: 600,
      architecture: 'ARM64',
      stopTimeoutSec: 120,
      drainDeadlineSec: 110,
    });
  });
});

describe('config validation at synth time', () => {
  const cases: [string, unknown, RegExp][] = [
    [
      'HTTPS certificate outside dev',
      withChanges(prodConfig, (c) => (c.domain = { name: 'voice.example.com' })),
      /domain\.certificateArn: an HTTPS certificate is required outside dev/,
    ],
    [
      'multi-AZ Redis without a replica',
      withChanges(devConfig, (c) => (c.redis.multiAz = true)),
      /redis\.replicas: redis\.multiAz needs at least one replica/,
    ],
    [
      'single-AZ Redis in prod',
      withChanges(prodConfig, (c) => (c.redis.multiAz = false)),
      /redis\.multiAz: Redis must be multi-AZ outside dev/,
    ],
    [
      'drain deadline not below the stop timeout',
      withChanges(prodConfig, (c) => (c.voice.drainDeadlineSec = 120)),
      /voice\.drainDeadlineSec/,
    ],
    [
      'a stop timeout beyond Fargate’s 120 s',
      withChanges(prodConfig, (c) => (c.voice.stopTimeoutSec = 121)),
      /voice\.stopTimeoutSec/,
    ],
    [
      'an invalid Fargate size',
      withChanges(prodConfig, (c) => (c.voice.memoryMiB = 1024)),
      /not a valid Fargate size for cpu 1024/,
    ],
    ['max below min tasks', withChanges(prodConfig, (c) => (c.voice.maxTasks = 1)), /maxTasks must be >= minTasks/],
    [
      'an AZ outside the region',
      withChanges(prodConfig, (c) => (c.availabilityZones = ['us-east-1a', 'ap-south-1b'])),
      /AZ us-east-1a is not in region ap-south-1/,
    ],
    ['an idle timeout above the ALB maximum', withChanges(prodConfig, (c) => (c.loadBalancer.idleTimeoutSec = 4001)), /idleTimeoutSec/],
    ['no capacity provider weight', withChanges(prodConfig, (c) => {
      c.voice.fargateWeight = 0;
      c.voice.fargateSpotWeight = 0;
    }), /fargateSpotWeight must be > 0/],
    ['an unknown key', { ...prodConfig, surprise: true }, /Unrecognized key/],
    ['a log retention CloudWatch does not offer', withChanges(prodConfig, (c) => Object.assign(c.voice, { logRetentionDays: 8 })), /voice\.logRetentionDays: log retention must be one of/],
  ];

  it.each(cases)('rejects %s', (_label, candidate, message) => {
    expect(() => validateEnvironmentConfig(candidate)).toThrow(EnvironmentConfigError);
    expect(() => validateEnvironmentConfig(candidate)).toThrow(message);
  });

  it('accepts plain HTTP in dev', () => {
    expect(validateEnvironmentConfig(devConfig).domain.certificateArn).toBeUndefined();
  });
});

describe('environment files are pure data', () => {
  it('nothing in lib/config imports aws-cdk-lib or constructs (the cost-report Lambda bundles it)', () => {
    const dir = path.resolve(__dirname, '../../lib/config');
    const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    expect(files).toEqual(expect.arrayContaining(['environment-config.ts', path.join('environments', 'prod.ts')]));
    for (const file of files) {
      expect({ file, source: readFileSync(path.join(dir, file), 'utf8') }).not.toEqual(
        expect.objectContaining({ source: expect.stringMatching(/from '(aws-cdk-lib|constructs)[/']/) }),
      );
    }
  });

  it('log retention days are exactly the finite RetentionDays members, and map onto them', () => {
    const finite = Object.values(RetentionDays).filter((v): v is RetentionDays => typeof v === 'number' && v !== RetentionDays.INFINITE);
    expect([...CLOUDWATCH_LOG_RETENTION_DAYS].sort((a, b) => a - b)).toEqual([...finite].sort((a, b) => a - b));
    for (const days of CLOUDWATCH_LOG_RETENTION_DAYS) expect(cdkRetentionDays(days)).toBe(days);
    expect(cdkRetentionDays(prodConfig.voice.logRetentionDays)).toBe(RetentionDays.THREE_MONTHS);
  });
});
