import { CloudWatchClient, GetMetricDataCommand, PutMetricDataCommand, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { DescribeReplicationGroupsCommand, ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { prodConfig } from '../../lib/config/environments/prod';
import { createHandler, type HandlerDeps } from '../../services/cost-report/src/handler';
import { reportPeriod } from '../../services/cost-report/src/report-period';

const cw = mockClient(CloudWatchClient);
const ec = mockClient(ElastiCacheClient);
const s3 = mockClient(S3Client);

const ENV = {
  ENVIRONMENT: 'prod',
  REPORT_BUCKET: 'reports-bucket',
  CLUSTER_NAME: 'calling-agent-prod',
  SERVICE_NAME: 'voice',
  REDIS_REPLICATION_GROUP_ID: 'ca-prod-redis',
  LOAD_BALANCER_FULL_NAME: 'app/ca-prod/0123456789abcdef',
  NAT_GATEWAY_IDS: 'nat-a,nat-b',
};

// October 2026: 31 days = 744 hours.
const OCTOBER_HOURS = Array.from({ length: 744 }, (_, h) => new Date(Date.UTC(2026, 9, 1) + h * 3_600_000));
const series = (id: string, value: number) => ({ Id: id, Timestamps: OCTOBER_HOURS, Values: OCTOBER_HOURS.map(() => value), StatusCode: 'Complete' as const });

function deps(env: Record<string, string> = ENV): () => HandlerDeps {
  return () => ({
    cloudwatch: new CloudWatchClient({ region: 'ap-south-1' }),
    elasticache: new ElastiCacheClient({ region: 'ap-south-1' }),
    s3: new S3Client({ region: 'ap-south-1' }),
    env,
    now: () => new Date('2026-11-01T06:00:00Z'),
  });
}

beforeEach(() => {
  cw.reset();
  ec.reset();
  s3.reset();
  ec.on(DescribeReplicationGroupsCommand).resolves({
    ReplicationGroups: [{ ReplicationGroupId: 'ca-prod-redis', CacheNodeType: 'cache.m6g.large', MemberClusters: ['a-001', 'a-002'] }],
  });
  s3.on(PutObjectCommand).resolves({});
  cw.on(PutMetricDataCommand).resolves({});
});

describe('cost-report Lambda', () => {
  it('prices last month from CloudWatch, stores JSON and Markdown, publishes EstimatedMonthlyCost', async () => {
    // Two pages: the reader must follow NextToken. 4 tasks × 25 calls = 100 concurrent calls all month.
    cw.on(GetMetricDataCommand)
      .resolvesOnce({ MetricDataResults: [series('calls_avg', 25), series('tasks', 4)], NextToken: 'page-2' })
      .resolvesOnce({ MetricDataResults: [series('alb_bytes', 12e9), series('alb_new', 4000), series('alb_active', 6000), series('nat0_in_src', 3e9), series('nat1_in_src', 1e9), series('nat0_out_dst', 3e9)] });

    const result = await createHandler(deps())({ period: 'previous-month' });

    expect(result.month).toBe('2026-10');
    expect(cw).toHaveReceivedCommandTimes(GetMetricDataCommand, 2);
    expect(cw.commandCalls(GetMetricDataCommand)[1]!.args[0].input.NextToken).toBe('page-2');
    const queries = (cw.commandCalls(GetMetricDataCommand)[0]!.args[0].input.MetricDataQueries ?? []) as MetricDataQuery[];
    expect(queries.find((q) => q.Id === 'calls_avg')?.MetricStat?.Metric).toEqual({
      Namespace: 'CallingAgent',
      MetricName: 'ActiveCalls',
      Dimensions: [{ Name: 'Environment', Value: 'prod' }, { Name: 'Service', Value: 'voice' }],
    });
    expect(queries.filter((q) => q.MetricStat?.Metric?.Namespace === 'AWS/NATGateway')).toHaveLength(2 * 3);
    expect(ec).toHaveReceivedCommandWith(DescribeReplicationGroupsCommand, { ReplicationGroupId: 'ca-prod-redis' });

    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, { Bucket: 'reports-bucket', Key: 'reports/prod/2026-10.json' });
    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, { Bucket: 'reports-bucket', Key: 'reports/prod/2026-10.md' });
    const bodies = s3.commandCalls(PutObjectCommand).map((c) => ({ key: c.args[0].input.Key, body: String(c.args[0].input.Body) }));
    const json = JSON.parse(bodies.find((b) => b.key?.endsWith('.json'))!.body) as {
      callMinutes: number;
      monthlyApiUsd: number;
      taskHours: number;
      spotTaskHours: number;
      totalMonthlyUsd: number;
      budgetUsd: number;
      lines: Array<{ service: string; item: string; quantity: number }>;
      bindingConstraint: { name: string; exceeded: boolean };
    };
    expect(json.callMinutes).toBeCloseTo(744 * 100 * 60, 3); // 4,464,000
    expect(json.monthlyApiUsd).toBeCloseTo(744 * 100 * 60 * 0.03, 3); // $30 per 1,000 minutes
    expect(json.taskHours).toBeCloseTo(744 * 4, 6);
    // Redis from DescribeReplicationGroups: 2 nodes × 744 h.
    expect(json.lines.find((l) => l.service === 'ElastiCache')?.quantity).toBe(2 * 744);
    // NAT GB processed measured: (3e9 + 1e9) bytes per hour.
    expect(json.lines.find((l) => l.item.startsWith('GB processed'))?.quantity).toBeCloseTo((744 * 4e9) / 1024 ** 3, 6);
    // The shape comes from lib/config: prod runs 2 base tasks on FARGATE and the rest 1:1 with
    // Spot, so 4 tasks = 1 on Spot; prod has 3 NAT gateways; 1 vCPU / 2 GB tasks.
    expect(json.spotTaskHours).toBeCloseTo(744 * 1, 6);
    expect(json.lines.find((l) => l.service === 'NAT gateway' && l.item === 'gateway-hours')?.quantity).toBe(prodConfig.natGateways * 744);
    expect(json.lines.find((l) => l.item.includes('vCPU-hours (on-demand)'))?.quantity).toBeCloseTo(744 * 3 * (prodConfig.voice.cpu / 1024), 6);
    // 100 calls around the clock (~$135k) exceed prod's $80k budget, infrastructure + APIs.
    expect(json.budgetUsd).toBe(prodConfig.budget.monthlyUsd);
    expect(json.bindingConstraint).toMatchObject({ name: 'budget', exceeded: true });
    expect(bodies.find((b) => b.key?.endsWith('.md'))!.body).toContain('xychart-beta');

    expect(cw).toHaveReceivedCommandWith(PutMetricDataCommand, {
      Namespace: 'CallingAgent',
      MetricData: [expect.objectContaining({ MetricName: 'EstimatedMonthlyCost', Dimensions: [{ Name: 'Environment', Value: 'prod' }], Value: json.totalMonthlyUsd })],
    });
    expect(result.estimatedMonthlyCostUsd).toBeCloseTo(json.totalMonthlyUsd, 9);
  });

  it('counts tasks from ActiveCalls datapoints when Container Insights is off', async () => {
    // 180 datapoints an hour = 3 tasks publishing once a minute.
    cw.on(GetMetricDataCommand).resolves({ MetricDataResults: [series('calls_avg', 10), series('calls_n', 180)] });
    await createHandler(deps())({ period: 'previous-month' });
    const body = String(s3.commandCalls(PutObjectCommand).find((c) => c.args[0].input.Key?.endsWith('.json'))!.args[0].input.Body);
    const json = JSON.parse(body) as { taskHours: number; callMinutes: number };
    expect(json.taskHours).toBeCloseTo(744 * 3, 6);
    expect(json.callMinutes).toBeCloseTo(744 * 30 * 60, 3);
  });

  it('projects a month in progress to the whole month', async () => {
    cw.on(GetMetricDataCommand).resolves({ MetricDataResults: [series('calls_avg', 10), series('tasks', 2)] });
    const d = deps();
    const run = createHandler(() => ({ ...d(), now: () => new Date('2026-10-11T00:30:00Z') }));
    const result = await run();
    expect(result.month).toBe('2026-10');
    const body = String(s3.commandCalls(PutObjectCommand).find((c) => c.args[0].input.Key === 'reports/prod/2026-10.json')!.args[0].input.Body);
    // 10 days recorded (240 h) of 20 calls, projected × 744/240 to 31 days.
    expect((JSON.parse(body) as { callMinutes: number }).callMinutes).toBeCloseTo(744 * 20 * 60, 3);
  });

  it('refuses to run with an incomplete environment and calls nothing', async () => {
    const { REPORT_BUCKET: _omit, ...partial } = ENV;
    await expect(createHandler(deps(partial))()).rejects.toThrow(/REPORT_BUCKET/);
    expect(cw).toHaveReceivedCommandTimes(GetMetricDataCommand, 0);
    expect(s3).toHaveReceivedCommandTimes(PutObjectCommand, 0);
  });
});

describe('report period', () => {
  it('closes the previous month on the 1st and reports month to date otherwise', () => {
    expect(reportPeriod(new Date('2026-11-01T06:00:00Z'))).toMatchObject({ mode: 'previous-month', month: '2026-10', hours: 744, monthHours: 744 });
    expect(reportPeriod(new Date('2026-11-15T10:30:00Z'))).toMatchObject({ mode: 'month-to-date', month: '2026-11', hours: 14 * 24 + 10, monthHours: 720 });
    expect(reportPeriod(new Date('2026-01-01T00:00:00Z')).month).toBe('2025-12');
  });
});
