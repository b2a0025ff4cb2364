import { Match, type Template } from 'aws-cdk-lib/assertions';
import { devConfig } from '../../lib/config/environments/dev';
import { prodConfig } from '../../lib/config/environments/prod';
import { stagingConfig } from '../../lib/config/environments/staging';
import type { EnvironmentConfig } from '../../lib/config/environment-config';
import { resourcesOfType, synthesizeEnvironment, type SynthesizedEnvironment } from './support/synth-environment';

// Each environment is synthesized once (with cdk-nag); every assertion reads those templates.
const synthesized = new Map<string, SynthesizedEnvironment>();
beforeAll(() => {
  for (const config of [devConfig, stagingConfig, prodConfig]) synthesized.set(config.name, synthesizeEnvironment(config));
});
function env(name: EnvironmentConfig['name']): SynthesizedEnvironment {
  const result = synthesized.get(name);
  if (result === undefined) throw new Error(`${name} not synthesized`);
  return result;
}

const ALL: EnvironmentConfig[] = [devConfig, stagingConfig, prodConfig];

function onlyResource(template: Template, type: string): { id: string; Properties: Record<string, unknown> } {
  const entries = Object.entries(resourcesOfType(template, type));
  expect(entries).toHaveLength(1);
  const [id, resource] = entries[0] ?? ['', { Properties: {} }];
  return { id, Properties: resource.Properties };
}

function logicalIdOf(template: Template, type: string, props: Record<string, unknown>): string {
  const ids = Object.keys(template.findResources(type, { Properties: Match.objectLike(props) }));
  expect(ids).toHaveLength(1);
  return ids[0] ?? '';
}

describe('offline synth and compliance', () => {
  it.each(ALL)('$name: needs no context lookups (runs without AWS credentials)', (config) => {
    expect(env(config.name).assembly.manifest.missing).toBeUndefined();
  });

  it.each(ALL)('$name: cdk-nag AwsSolutions passes, every acknowledgement carries a reason', (config) => {
    const report = JSON.parse(
      require('node:fs').readFileSync(`${env(config.name).assembly.directory}/validation-report.json`, 'utf8'),
    ) as { pluginReports: { pluginName: string; conclusion: string; violations: unknown[]; suppressedViolations?: { reason?: string }[] }[] };
    const nag = report.pluginReports.find((r) => r.pluginName === 'AwsSolutions');
    expect(nag?.conclusion).toBe('success');
    expect(nag?.violations).toEqual([]);
    const suppressed = nag?.suppressedViolations ?? [];
    expect(suppressed.length).toBeGreaterThan(0);
    for (const s of suppressed) expect((s.reason ?? '').length).toBeGreaterThan(20);
  });
});

describe('ALB', () => {
  it.each(ALL)('$name: idle timeout from config, access logs to S3, invalid headers dropped', (config) => {
    env(config.name).templates.service.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Scheme: 'internet-facing',
    });
    const lb = onlyResource(env(config.name).templates.service, 'AWS::ElasticLoadBalancingV2::LoadBalancer').Properties;
    const attributes = Object.fromEntries(
      (lb['LoadBalancerAttributes'] as { Key: string; Value: unknown }[]).map((a) => [a.Key, a.Value]),
    );
    expect(attributes).toMatchObject({
      'idle_timeout.timeout_seconds': String(config.loadBalancer.idleTimeoutSec),
      'access_logs.s3.enabled': 'true',
      'access_logs.s3.bucket': { Ref: expect.stringMatching(/^IngressLogsBucket/) },
      'routing.http.drop_invalid_header_fields.enabled': 'true',
    });
    expect(config.loadBalancer.idleTimeoutSec).toBeGreaterThanOrEqual(300);
  });

  it.each([stagingConfig, prodConfig])('$name: HTTPS listener with the configured certificate, HTTP redirects', (config) => {
    const service = env(config.name).templates.service;
    service.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443,
      Protocol: 'HTTPS',
      Certificates: [{ CertificateArn: config.domain.certificateArn }],
      DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: Match.objectLike({ StatusCode: '404' }) }],
    });
    service.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80,
      DefaultActions: [{ Type: 'redirect', RedirectConfig: Match.objectLike({ Protocol: 'HTTPS', Port: '443' }) }],
    });
  });

  it('dev: plain HTTP only, still 404 by default', () => {
    const listener = onlyResource(env('dev').templates.service, 'AWS::ElasticLoadBalancingV2::Listener');
    expect(listener.Properties).toMatchObject({
      Port: 80,
      Protocol: 'HTTP',
      DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404' } }],
    });
  });

  it.each(ALL)('$name: /ws/exotel/* (10) and /health (20) -> voice tasks, /exotel/* (30) -> webhook Lambda', (config) => {
    const service = env(config.name).templates.service;
    const voiceTg = logicalIdOf(service, 'AWS::ElasticLoadBalancingV2::TargetGroup', { TargetType: 'ip' });
    const lambdaTg = logicalIdOf(service, 'AWS::ElasticLoadBalancingV2::TargetGroup', { TargetType: 'lambda' });
    const rules = Object.values(resourcesOfType(service, 'AWS::ElasticLoadBalancingV2::ListenerRule'))
      .map(({ Properties: p }) => {
        const conditions = p['Conditions'] as { Field: string; PathPatternConfig: { Values: string[] } }[];
        const actions = p['Actions'] as { TargetGroupArn: { Ref: string } }[];
        return { priority: p['Priority'], paths: conditions.flatMap((c) => c.PathPatternConfig.Values), target: actions[0]?.TargetGroupArn.Ref };
      })
      .sort((a, b) => Number(a.priority) - Number(b.priority));
    expect(rules).toEqual([
      { priority: 10, paths: ['/ws/exotel/*'], target: voiceTg },
      { priority: 20, paths: ['/health'], target: voiceTg },
      { priority: 30, paths: ['/exotel/*'], target: lambdaTg },
    ]);
  });

  it.each(ALL)('$name: voice target group drains for the drain deadline and checks /health', (config) => {
    env(config.name).templates.service.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      TargetType: 'ip',
      Port: 8080,
      Protocol: 'HTTP',
      HealthCheckPath: '/health',
      Matcher: { HttpCode: '200,503' },
      TargetGroupAttributes: Match.arrayWith([
        { Key: 'deregistration_delay.timeout_seconds', Value: String(config.voice.drainDeadlineSec) },
      ]),
    });
    expect(config.voice.drainDeadlineSec).toBeLessThan(config.voice.stopTimeoutSec);
  });

  it('access-log bucket is encrypted, private and TLS-only', () => {
    const service = env('prod').templates.service;
    service.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
    });
    service.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });
});

describe('voice service on Fargate', () => {
  it.each(ALL)('$name: task size and architecture from config, stop timeout 120 s', (config) => {
    const task = onlyResource(env(config.name).templates.service, 'AWS::ECS::TaskDefinition').Properties;
    expect(task).toMatchObject({
      Cpu: String(config.voice.cpu),
      Memory: String(config.voice.memoryMiB),
      RuntimePlatform: { CpuArchitecture: config.voice.architecture, OperatingSystemFamily: 'LINUX' },
      RequiresCompatibilities: ['FARGATE'],
    });
    const [container] = task['ContainerDefinitions'] as Record<string, unknown>[];
    expect(container).toMatchObject({ Name: 'voice', StopTimeout: 120, PortMappings: [{ ContainerPort: 8080, Protocol: 'tcp' }] });
    expect(container?.['HealthCheck']).toMatchObject({ Command: expect.arrayContaining(['CMD', 'node']) });
  });

  it('passes the contract env vars, and every secret from Secrets Manager', () => {
    const task = onlyResource(env('prod').templates.service, 'AWS::ECS::TaskDefinition').Properties;
    const [container] = task['ContainerDefinitions'] as { Environment: { Name: string; Value: unknown }[]; Secrets: { Name: string; ValueFrom: unknown }[] }[];
    const envVars = Object.fromEntries((container?.Environment ?? []).map((e) => [e.Name, e.Value]));
    expect(envVars).toMatchObject({
      PORT: '8080',
      ENVIRONMENT: 'prod',
      SERVICE_NAME: 'voice',
      LIMIT_DEEPGRAM_STT: String(prodConfig.providerLimits.deepgramStt),
      LIMIT_ELEVENLABS_TTS: String(prodConfig.providerLimits.elevenlabsTts),
      LIMIT_DEEPGRAM_TTS: String(prodConfig.providerLimits.deepgramTts),
      LIMIT_OPENAI_LLM: String(prodConfig.providerLimits.openaiLlm),
      MAX_CALLS_PER_TASK: String(prodConfig.voice.maxCallsPerTask),
      METRICS_INTERVAL_SEC: '60',
      DRAIN_DEADLINE_SEC: '110',
      STREAM_AUTH_MODE: 'required',
    });
    expect(JSON.stringify(envVars['REDIS_URL'])).toMatch(/rediss:\/\//);
    const secretNames = (container?.Secrets ?? []).map((s) => s.Name).sort();
    expect(secretNames).toEqual(
      ['DEEPGRAM_API_KEY', 'ELEVENLABS_API_KEY', 'MONGODB_URI', 'OPENAI_API_KEY', 'REDIS_AUTH_TOKEN', 'STREAM_SIGNING_KEY'].sort(),
    );
    // No secret leaks into plain environment variables.
    for (const name of secretNames) expect(envVars).not.toHaveProperty(name);
  });

  it.each(ALL)('$name: circuit breaker with rollback, capacity providers per config', (config) => {
    const service = onlyResource(env(config.name).templates.service, 'AWS::ECS::Service').Properties;
    expect(service['DeploymentConfiguration']).toMatchObject({
      DeploymentCircuitBreaker: { Enable: true, Rollback: true },
      MinimumHealthyPercent: 100,
    });
    const strategy = service['CapacityProviderStrategy'] as { CapacityProvider: string; Base?: number; Weight: number }[];
    const spot = strategy.find((s) => s.CapacityProvider === 'FARGATE_SPOT');
    const onDemand = strategy.find((s) => s.CapacityProvider === 'FARGATE');
    expect(spot?.Weight ?? 0).toBe(config.voice.fargateSpotWeight);
    expect(onDemand?.Weight ?? 0).toBe(config.voice.fargateWeight);
    expect(onDemand?.Base ?? 0).toBe(config.voice.fargateBaseTasks);
    expect(service['LaunchType']).toBeUndefined();
  });

  it.each(ALL)('$name: target tracking on CallingAgent/ActiveCalls (Average) with the configured numbers', (config) => {
    const service = env(config.name).templates.service;
    service.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      MinCapacity: config.voice.minTasks,
      MaxCapacity: config.voice.maxTasks,
      ScalableDimension: 'ecs:service:DesiredCount',
    });
    const policy = onlyResource(service, 'AWS::ApplicationAutoScaling::ScalingPolicy').Properties;
    expect(policy).toMatchObject({
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: {
        TargetValue: config.voice.targetCallsPerTask,
        ScaleOutCooldown: config.voice.scaleOutCooldownSec,
        ScaleInCooldown: config.voice.scaleInCooldownSec,
        CustomizedMetricSpecification: {
          Namespace: 'CallingAgent',
          MetricName: 'ActiveCalls',
          Statistic: 'Average',
          Dimensions: [
            { Name: 'Environment', Value: config.name },
            { Name: 'Service', Value: 'voice' },
          ],
        },
      },
    });
  });

  it('task role: task protection on its own cluster, metrics only in the CallingAgent namespace', () => {
    const service = env('prod').templates.service;
    const task = onlyResource(service, 'AWS::ECS::TaskDefinition').Properties;
    const taskRoleId = (task['TaskRoleArn'] as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0];
    const policies = Object.values(resourcesOfType(service, 'AWS::IAM::Policy')).filter((p) =>
      (p.Properties['Roles'] as { Ref: string }[]).some((r) => r.Ref === taskRoleId),
    );
    expect(policies).toHaveLength(1);
    const statements = (policies[0]?.Properties['PolicyDocument'] as { Statement: Record<string, unknown>[] }).Statement;
    const sortedActions = statements.map((st) => ({ ...st, Action: Array.isArray(st['Action']) ? [...(st['Action'] as string[])].sort() : st['Action'] }));
    expect(sortedActions).toEqual([
      {
        Sid: 'ProtectOwnTasksFromScaleIn',
        Effect: 'Allow',
        Action: ['ecs:GetTaskProtection', 'ecs:UpdateTaskProtection'],
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ecs:ap-south-1:333333333333:task/calling-agent-prod/*']] },
      },
      {
        Sid: 'PublishCallingAgentMetrics',
        Effect: 'Allow',
        Action: 'cloudwatch:PutMetricData',
        Resource: '*',
        Condition: { StringEquals: { 'cloudwatch:namespace': 'CallingAgent' } },
      },
    ]);
  });

  it('cluster is named for the task-protection ARN and has Container Insights', () => {
    env('prod').templates.service.hasResourceProperties('AWS::ECS::Cluster', {
      ClusterName: 'calling-agent-prod',
      ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }],
    });
  });
});

describe('Redis', () => {
  it.each(ALL)('$name: TLS in transit, encrypted at rest, AUTH token from Secrets Manager', (config) => {
    const group = onlyResource(env(config.name).templates.data, 'AWS::ElastiCache::ReplicationGroup').Properties;
    expect(group).toMatchObject({
      TransitEncryptionEnabled: true,
      TransitEncryptionMode: 'required',
      AtRestEncryptionEnabled: true,
      CacheNodeType: config.redis.nodeType,
      NumCacheClusters: 1 + config.redis.replicas,
    });
    expect(JSON.stringify(group['AuthToken'])).toMatch(/\{\{resolve:secretsmanager:/);
  });

  it.each([
    ['dev', false],
    ['staging', true],
    ['prod', true],
  ] as const)('%s: multi-AZ with automatic failover = %s', (name, multiAz) => {
    env(name).templates.data.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      MultiAZEnabled: multiAz,
      AutomaticFailoverEnabled: multiAz,
    });
  });

  it('accepts connections only from the voice service security group', () => {
    const { data, service } = env('prod').templates;
    const redisSg = logicalIdOf(data, 'AWS::EC2::SecurityGroup', { GroupDescription: 'Redis: reachable only from the voice service' });
    const group = onlyResource(data, 'AWS::ElastiCache::ReplicationGroup').Properties;
    expect(group['SecurityGroupIds']).toEqual([{ 'Fn::GetAtt': [redisSg, 'GroupId'] }]);
    expect(onlyResource(data, 'AWS::EC2::SecurityGroup').Properties['SecurityGroupIngress']).toBeUndefined();
    const voiceSg = logicalIdOf(service, 'AWS::EC2::SecurityGroup', { GroupDescription: 'Voice service tasks' });
    const ingress = Object.values(resourcesOfType(service, 'AWS::EC2::SecurityGroupIngress')).filter(
      (r) => JSON.stringify(r.Properties['GroupId']).includes('RedisSecurityGroup'),
    );
    expect(ingress).toHaveLength(1);
    expect(ingress[0]?.Properties).toMatchObject({
      FromPort: 6379,
      ToPort: 6379,
      IpProtocol: 'tcp',
      SourceSecurityGroupId: { 'Fn::GetAtt': [voiceSg, 'GroupId'] },
    });
  });
});

describe('DynamoDB rate-limit table', () => {
  it.each([
    ['dev', false],
    ['staging', true],
    ['prod', true],
  ] as const)('%s: on-demand, pk (S), TTL expiresAt, encrypted, PITR = %s', (name, pitr) => {
    env(name).templates.data.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      SSESpecification: { SSEEnabled: true },
      Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: pitr } })],
    });
  });
});

describe('Lambdas', () => {
  it.each(ALL)('$name: webhook on Node.js 24, ARM64, with its contract environment', (config) => {
    env(config.name).templates.service.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      Environment: {
        Variables: Match.objectLike({
          ENVIRONMENT: config.name,
          RATE_LIMIT_TABLE: Match.anyValue(),
          CALLS_PER_MINUTE: String(config.rateLimits.callsPerMinute),
          CALLS_PER_AGENT_PER_MINUTE: String(config.rateLimits.callsPerAgentPerMinute),
          CALLS_PER_CALLER_PER_MINUTE: String(config.rateLimits.callsPerCallerPerMinute),
          TRUSTED_CIDRS: config.rateLimits.trustedCidrs.join(','),
          STREAM_SIGNING_SECRET_ARN: Match.anyValue(),
          STREAM_BASE_URL: Match.anyValue(),
          RATE_LIMIT_FAIL_MODE: config.rateLimits.failMode,
        }),
      },
    });
  });

  it('webhook builds stream URLs on the public wss:// name outside dev, ws:// on the ALB in dev', () => {
    const variables = (name: 'dev' | 'prod'): Record<string, unknown> => {
      const webhook = Object.values(resourcesOfType(env(name).templates.service, 'AWS::Lambda::Function')).find(
        (f) => f.Properties['Description'] === 'Exotel webhook admission (rate limits, signed stream URLs)',
      );
      return (webhook?.Properties['Environment'] as { Variables: Record<string, unknown> }).Variables;
    };
    expect(variables('prod')['STREAM_BASE_URL']).toBe('wss://voice.example.com');
    expect(JSON.stringify(variables('dev')['STREAM_BASE_URL'])).toMatch(/^\{"Fn::Join":\["",\["ws:\/\/",/);
  });

  it('cost report: env contract, daily and monthly schedules, scoped permissions', () => {
    const costReport = env('prod').templates.costReport;
    costReport.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Environment: {
        Variables: Match.objectLike({
          ENVIRONMENT: 'prod',
          REDIS_REPLICATION_GROUP_ID: 'calling-agent-prod',
          CLUSTER_NAME: Match.anyValue(),
          SERVICE_NAME: Match.anyValue(),
          LOAD_BALANCER_FULL_NAME: Match.anyValue(),
          NAT_GATEWAY_IDS: Match.anyValue(),
          REPORT_BUCKET: Match.anyValue(),
        }),
      },
    });
    // Shape and budget come from lib/config bundled into the function, not from env variables.
    const [fn] = Object.values(resourcesOfType(costReport, 'AWS::Lambda::Function')).filter((f) => String(f.Properties['Description']).startsWith('Monthly cost'));
    const variables = Object.keys((fn?.Properties['Environment'] as { Variables: Record<string, unknown> }).Variables);
    for (const gone of ['BUDGET_USD', 'REGION', 'TASK_CPU', 'TASK_MEMORY_MIB', 'TASK_ARCH']) expect(variables).not.toContain(gone);
    const schedules = Object.values(resourcesOfType(costReport, 'AWS::Events::Rule'))
      .map((r) => {
        const [target] = r.Properties['Targets'] as { Input: string }[];
        return { schedule: r.Properties['ScheduleExpression'], input: JSON.parse(target?.Input ?? '{}') as unknown };
      })
      .sort((a, b) => String(a.schedule).localeCompare(String(b.schedule)));
    expect(schedules).toEqual([
      { schedule: 'cron(15 0 * * ? *)', input: { period: 'month-to-date' } },
      { schedule: 'cron(45 0 1 * ? *)', input: { period: 'previous-month' } },
    ]);
    const policy = onlyResource(costReport, 'AWS::IAM::Policy').Properties;
    const statements = (policy['PolicyDocument'] as { Statement: { Sid: string; Action: unknown; Resource: unknown; Condition?: unknown }[] }).Statement;
    const bySid = Object.fromEntries(statements.map((st) => [st.Sid, st]));
    expect(Object.keys(bySid).sort()).toEqual(['DescribeRedis', 'PublishCostMetric', 'ReadMetrics', 'WriteReports']);
    expect(bySid['PublishCostMetric']).toMatchObject({ Action: 'cloudwatch:PutMetricData', Condition: { StringEquals: { 'cloudwatch:namespace': 'CallingAgent' } } });
    expect(bySid['ReadMetrics']).toMatchObject({ Action: 'cloudwatch:GetMetricData', Resource: '*' });
    expect(JSON.stringify(bySid['DescribeRedis']?.Resource)).toContain(':replicationgroup:calling-agent-prod');
    expect(bySid['WriteReports']).toMatchObject({ Action: 's3:PutObject' });
    expect(JSON.stringify(bySid['WriteReports']?.Resource)).toMatch(/CostReportReports.*\/\*/);
  });
});

describe('network and Atlas egress', () => {
  it.each(ALL)('$name: NAT gateways use fixed, output Elastic IPs', (config) => {
    const { network } = env(config.name).templates;
    network.resourceCountIs('AWS::EC2::EIP', config.natGateways);
    network.resourceCountIs('AWS::EC2::NatGateway', config.natGateways);
    const eips = Object.keys(resourcesOfType(network, 'AWS::EC2::EIP'));
    for (const nat of Object.values(resourcesOfType(network, 'AWS::EC2::NatGateway'))) {
      const allocation = nat.Properties['AllocationId'] as { 'Fn::GetAtt': string[] };
      expect(eips).toContain(allocation['Fn::GetAtt'][0]);
    }
    const outputs = network.findOutputs('*');
    expect(Object.keys(outputs).filter((k) => /^NatEgressIp\d+$/.test(k)).length).toBe(config.natGateways);
    expect(outputs).toHaveProperty('NatEgressIps');
    network.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
  });

  it.each(ALL)('$name: the VPC spans the configured AZs', (config) => {
    const zones = Object.values(resourcesOfType(env(config.name).templates.network, 'AWS::EC2::Subnet')).map((s) => s.Properties['AvailabilityZone']);
    expect([...new Set(zones)].sort()).toEqual([...config.availabilityZones].sort());
  });
});

describe('observability', () => {
  it('a dashboard per environment and alarms that notify the encrypted topic', () => {
    const { observability } = env('prod').templates;
    observability.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'calling-agent-prod' });
    observability.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    const alarms = Object.values(resourcesOfType(observability, 'AWS::CloudWatch::Alarm'));
    const names = alarms.map((a) => String(a.Properties['AlarmName']));
    const expected = [
      'SlotsSaturated-deepgram-stt',
      'SlotsSaturated-elevenlabs-tts',
      'QueueWait-openai-llm',
      'TurnLatencyP95',
      'Http5xx',
      'UnhealthyVoiceTargets',
      'RedisCpu',
      'RedisMemory',
      'LambdaErrors-webhook',
      'LambdaErrors-cost-report',
      'Budget',
    ];
    for (const suffix of expected) expect(names).toContain(`calling-agent-prod-${suffix}`);
    for (const alarm of alarms) expect(alarm.Properties['AlarmActions']).toHaveLength(1);
  });

  it('the dashboard shows every signal the runbook needs', () => {
    const dashboard = Object.values(resourcesOfType(env('prod').templates.observability, 'AWS::CloudWatch::Dashboard'))[0];
    const body = JSON.stringify(dashboard?.Properties['DashboardBody']);
    const signals = [
      'ActiveCalls',
      'RunningTaskCount',
      'ProviderSlotsInUse',
      'ProviderSlotLimit',
      'ProviderQueueDepth',
      'ProviderQueueWaitMs',
      'TurnLatencyMs',
      'p50',
      'p95',
      'HTTPCode_ELB_4XX_Count',
      'HTTPCode_Target_5XX_Count',
      'HealthyHostCount',
      'UnHealthyHostCount',
      'EngineCPUUtilization',
      'DatabaseMemoryUsagePercentage',
      'CallsAdmitted',
      'CallsRejected',
      'EstimatedMonthlyCost',
    ];
    for (const signal of signals) expect(body).toContain(signal);
    for (const provider of ['deepgram-stt', 'elevenlabs-tts', 'deepgram-tts', 'openai-llm']) expect(body).toContain(provider);
  });

  it('slot saturation fires at the configured share of each provider limit', () => {
    env('prod').templates.observability.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'calling-agent-prod-SlotsSaturated-deepgram-stt',
      MetricName: 'ProviderSlotsInUse',
      Namespace: 'CallingAgent',
      Threshold: Math.floor(prodConfig.providerLimits.deepgramStt * prodConfig.alarms.providerSlotsSaturatedRatio),
      Dimensions: Match.arrayWith([{ Name: 'Provider', Value: 'deepgram-stt' }, { Name: 'Service', Value: 'voice' }]),
    });
  });

  it('budget alarm reads EstimatedMonthlyCost with the Environment dimension only', () => {
    env('prod').templates.observability.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'calling-agent-prod-Budget',
      MetricName: 'EstimatedMonthlyCost',
      Dimensions: [{ Name: 'Environment', Value: 'prod' }],
      Threshold: prodConfig.budget.monthlyUsd,
    });
  });

  it('Redis alarms cover every node of the replication group', () => {
    const alarm = Object.values(resourcesOfType(env('prod').templates.observability, 'AWS::CloudWatch::Alarm')).find(
      (a) => a.Properties['AlarmName'] === 'calling-agent-prod-RedisCpu',
    );
    const nodes = JSON.stringify(alarm?.Properties['Metrics']).match(/calling-agent-prod-00\d/g);
    expect([...new Set(nodes)].sort()).toEqual(['calling-agent-prod-001', 'calling-agent-prod-002']);
  });
});
