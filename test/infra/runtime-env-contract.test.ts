import { lambdaConfigFromEnv } from '../../services/cost-report/src/lambda-config';
import { loadVoiceEnv } from '../../services/voice/src/config/env';
import { loadWebhookConfig } from '../../services/webhook/src/config';
import { prodConfig } from '../../lib/config/environments/prod';
import { resourcesOfType, synthesizeEnvironment, type SynthesizedEnvironment } from './support/synth-environment';

/**
 * The environment each runtime receives from the templates, parsed by that runtime's own config
 * loader: a renamed or missing variable fails here instead of at cold start in AWS.
 */
const DEPLOY_TIME_SAMPLES: Record<string, string> = {
  LOAD_BALANCER_FULL_NAME: 'app/calling-agent-alb/0123456789abcdef',
};
/** Samples for the deploy-time parts inside a joined value, in order. */
const DEPLOY_TIME_PARTS: Record<string, string[]> = {
  REDIS_URL: ['master.calling-agent-prod.abc123.aps1.cache.amazonaws.com', '6379'],
};

/** Renders a CloudFormation value with deploy-time parts replaced by samples. */
function render(name: string, value: unknown, parts = [...(DEPLOY_TIME_PARTS[name] ?? [])]): string {
  const sample = DEPLOY_TIME_SAMPLES[name];
  if (sample !== undefined && typeof value !== 'string') return sample;
  if (typeof value === 'string') return value;
  if (value !== null && typeof value === 'object' && 'Fn::Join' in value) {
    const [separator, joined] = (value as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
    return joined.map((part) => render(name, part, parts)).join(separator);
  }
  return parts.shift() ?? 'deploy-time-value';
}

function renderAll(variables: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(variables).map(([name, value]) => [name, render(name, value)]));
}

function functionEnv(synthesized: SynthesizedEnvironment, part: 'service' | 'costReport', description: RegExp): Record<string, string> {
  const fn = Object.values(resourcesOfType(synthesized.templates[part], 'AWS::Lambda::Function')).find((f) =>
    description.test(String(f.Properties['Description'])),
  );
  if (fn === undefined) throw new Error(`no function matching ${description}`);
  return renderAll((fn.Properties['Environment'] as { Variables: Record<string, unknown> }).Variables);
}

describe('runtime environment contract (prod)', () => {
  let synthesized: SynthesizedEnvironment;
  beforeAll(() => {
    synthesized = synthesizeEnvironment(prodConfig);
  });

  it('the webhook Lambda environment passes the webhook config loader', () => {
    const config = loadWebhookConfig(functionEnv(synthesized, 'service', /^Exotel webhook/));
    expect(config).toMatchObject({
      environment: 'prod',
      failMode: prodConfig.rateLimits.failMode,
      limits: {
        callsPerMinute: prodConfig.rateLimits.callsPerMinute,
        callsPerAgentPerMinute: prodConfig.rateLimits.callsPerAgentPerMinute,
        callsPerCallerPerMinute: prodConfig.rateLimits.callsPerCallerPerMinute,
      },
      streamBaseUrl: 'wss://voice.example.com',
    });
  });

  it('the cost-report Lambda environment passes the cost-report config loader', () => {
    const config = lambdaConfigFromEnv(functionEnv(synthesized, 'costReport', /^Monthly cost estimate/));
    expect(config).toMatchObject({ environment: 'prod', redisReplicationGroupId: 'calling-agent-prod' });
    expect(config.natGatewayIds).toHaveLength(prodConfig.natGateways);
  });

  it('the voice container environment (plus its injected secrets) passes the voice env schema', () => {
    const [task] = Object.values(resourcesOfType(synthesized.templates.service, 'AWS::ECS::TaskDefinition'));
    const [container] = task?.Properties['ContainerDefinitions'] as {
      Environment: { Name: string; Value: unknown }[];
      Secrets: { Name: string }[];
    }[];
    const plain = renderAll(Object.fromEntries((container?.Environment ?? []).map((e) => [e.Name, e.Value])));
    const secrets = Object.fromEntries((container?.Secrets ?? []).map((s) => [s.Name, `secret-${s.Name.toLowerCase()}`]));
    const env = loadVoiceEnv({ ...plain, ...secrets });
    expect(env).toMatchObject({
      PORT: 8080,
      ENVIRONMENT: 'prod',
      SERVICE_NAME: 'voice',
      MAX_CALLS_PER_TASK: prodConfig.voice.maxCallsPerTask,
      DRAIN_DEADLINE_SEC: prodConfig.voice.drainDeadlineSec,
      METRICS_INTERVAL_SEC: prodConfig.voice.metricsIntervalSec,
      STREAM_AUTH_MODE: 'required',
    });
    expect(env.REDIS_URL).toMatch(/^rediss:\/\//);
    expect(env.MONGODB_URI).toBe('secret-mongodb_uri');
    expect(env.STREAM_SIGNING_KEY).toBe('secret-stream_signing_key');
  });
});
