import { CloudWatchClient, PutMetricDataCommand, type MetricDatum, type PutMetricDataCommandInput } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import {
  MetricsPublisher,
  createPublisherFromEnv,
  type MetricsSnapshot,
  type PublisherLogger,
} from '../../services/voice/src/observability/cloudwatch-publisher';
import { PROVIDER_RESOURCES } from '../../services/shared/src/metrics-contract';

const cw = mockClient(CloudWatchClient);
const T0 = Date.UTC(2026, 0, 15, 10, 0, 0);

const idle: MetricsSnapshot = {
  activeCalls: 0,
  limits: PROVIDER_RESOURCES.map((name) => ({ name, inUse: 0, queued: 0, limit: 10, waitP95Ms: 0 })),
  turnLatenciesMs: [],
};

function recordingLogger(): PublisherLogger & { warnings: Array<{ obj: object; msg: string }> } {
  const warnings: Array<{ obj: object; msg: string }> = [];
  return { warnings, warn: (obj, msg) => warnings.push({ obj, msg }), info: () => undefined };
}

function sentInputs(): PutMetricDataCommandInput[] {
  return cw.commandCalls(PutMetricDataCommand).map((c) => c.args[0].input);
}

function datum(input: PutMetricDataCommandInput | undefined, name: string, provider?: string): MetricDatum | undefined {
  return input?.MetricData?.find(
    (d) => d.MetricName === name && (provider === undefined || d.Dimensions?.some((x) => x.Name === 'Provider' && x.Value === provider)),
  );
}

function publisher(snapshot: () => MetricsSnapshot | Promise<MetricsSnapshot>, extra: Partial<ConstructorParameters<typeof MetricsPublisher>[0]> = {}) {
  let nowMs = T0;
  const p = new MetricsPublisher({
    client: new CloudWatchClient({ region: 'ap-south-1' }),
    snapshot,
    environment: 'prod',
    intervalMs: 60_000,
    now: () => nowMs,
    ...extra,
  });
  return { p, advanceClock: (ms: number) => (nowMs += ms) };
}

beforeEach(() => {
  cw.reset();
  cw.on(PutMetricDataCommand).resolves({});
});

afterEach(() => {
  jest.useRealTimers();
});

describe('MetricsPublisher: what goes to CloudWatch', () => {
  it('sends one PutMetricData with ActiveCalls, per-provider gauges, turn latency Values/Counts and the backlog', async () => {
    const snap: MetricsSnapshot = {
      activeCalls: 37,
      limits: [
        { name: 'deepgram-stt', inUse: 35, queued: 2, limit: 100, waitP95Ms: 812.5 },
        { name: 'elevenlabs-tts', inUse: 9, queued: 0, limit: 15, waitP95Ms: 40 },
        { name: 'deepgram-tts', inUse: 1, queued: 0, limit: 45, waitP95Ms: 0 },
        { name: 'openai-llm', inUse: 12, queued: 1, limit: 500, waitP95Ms: 3 },
      ],
      turnLatenciesMs: [612, 605, 1480, 998, 611],
      transcriptBacklog: 7,
    };
    const { p } = publisher(() => snap);

    await expect(p.publishNow()).resolves.toBe(true);

    expect(cw).toHaveReceivedCommandTimes(PutMetricDataCommand, 1);
    const input = sentInputs()[0];
    expect(input?.Namespace).toBe('CallingAgent');
    const base = [
      { Name: 'Environment', Value: 'prod' },
      { Name: 'Service', Value: 'voice' },
    ];
    const at = new Date(T0);
    expect(datum(input, 'ActiveCalls')).toEqual({
      MetricName: 'ActiveCalls',
      Dimensions: base,
      Timestamp: at,
      Value: 37,
      Unit: 'Count',
      StorageResolution: 60,
    });
    expect(datum(input, 'ProviderSlotsInUse', 'deepgram-stt')).toEqual({
      MetricName: 'ProviderSlotsInUse',
      Dimensions: [...base, { Name: 'Provider', Value: 'deepgram-stt' }],
      Timestamp: at,
      Value: 35,
      Unit: 'Count',
      StorageResolution: 60,
    });
    expect(datum(input, 'ProviderSlotLimit', 'elevenlabs-tts')?.Value).toBe(15);
    expect(datum(input, 'ProviderQueueDepth', 'openai-llm')?.Value).toBe(1);
    expect(datum(input, 'ProviderQueueWaitMs', 'deepgram-stt')).toMatchObject({ Value: 812.5, Unit: 'Milliseconds' });
    // 605/611/612 share the 600/620 grid points; 998 -> 1000; 1480 -> 1500.
    expect(datum(input, 'TurnLatencyMs')).toEqual({
      MetricName: 'TurnLatencyMs',
      Dimensions: base,
      Timestamp: at,
      Values: [600, 620, 1000, 1500],
      Counts: [1, 2, 1, 1],
      Unit: 'Milliseconds',
      StorageResolution: 60,
    });
    expect(datum(input, 'TranscriptBacklog')).toMatchObject({ Value: 7, Dimensions: base });
    // 1 + 4 providers x 4 + latency + backlog
    expect(input?.MetricData).toHaveLength(19);
  });

  it('publishes ActiveCalls=0 when idle (target tracking never scales in on missing data) and omits empty latency', async () => {
    const { p } = publisher(() => idle);
    await p.publishNow();
    const input = sentInputs()[0];
    expect(datum(input, 'ActiveCalls')?.Value).toBe(0);
    expect(datum(input, 'TurnLatencyMs')).toBeUndefined();
    expect(datum(input, 'TranscriptBacklog')).toBeUndefined();
    for (const provider of PROVIDER_RESOURCES) {
      expect(datum(input, 'ProviderSlotsInUse', provider)?.Value).toBe(0);
      expect(datum(input, 'ProviderSlotLimit', provider)?.Value).toBe(10);
    }
  });

  it('never sends NaN: a non-finite gauge goes out as 0', async () => {
    const { p } = publisher(() => ({ ...idle, activeCalls: Number.NaN, transcriptBacklog: Number.POSITIVE_INFINITY }));
    await p.publishNow();
    expect(datum(sentInputs()[0], 'ActiveCalls')?.Value).toBe(0);
    expect(datum(sentInputs()[0], 'TranscriptBacklog')?.Value).toBe(0);
  });
});

describe('MetricsPublisher: timing and failures', () => {
  it('sends exactly one request per interval tick', async () => {
    jest.useFakeTimers({ now: T0 });
    const { p } = publisher(() => idle);
    p.start();
    p.start(); // idempotent: still one timer
    await jest.advanceTimersByTimeAsync(59_999);
    expect(cw).toHaveReceivedCommandTimes(PutMetricDataCommand, 0);
    await jest.advanceTimersByTimeAsync(1);
    expect(cw).toHaveReceivedCommandTimes(PutMetricDataCommand, 1);
    await jest.advanceTimersByTimeAsync(120_000);
    expect(cw).toHaveReceivedCommandTimes(PutMetricDataCommand, 3);
    await p.stop();
  });

  it('a rejected PutMetricData does not throw; it is counted, logged once per period, and the next tick publishes', async () => {
    const logger = recordingLogger();
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
    cw.on(PutMetricDataCommand).rejectsOnce(throttled).rejectsOnce(new Error('socket hang up')).resolves({});
    const { p, advanceClock } = publisher(() => idle, { logger, failureLogIntervalMs: 300_000 });

    await expect(p.publishNow()).resolves.toBe(false);
    advanceClock(60_000);
    await expect(p.publishNow()).resolves.toBe(false);
    advanceClock(60_000);
    await expect(p.publishNow()).resolves.toBe(true);

    expect(cw).toHaveReceivedCommandTimes(PutMetricDataCommand, 3);
    expect(p.stats()).toMatchObject({ publishes: 1, publishFailures: 2, lastSuccessAtMs: T0 + 120_000 });
    expect(logger.warnings).toHaveLength(1); // the second failure fell inside the rate-limit period
    expect(logger.warnings[0]?.obj).toMatchObject({ err: { name: 'ThrottlingException', httpStatusCode: 400 } });
  });

  it('a snapshot that throws is a failed publish, not an exception', async () => {
    const { p } = publisher(() => {
      throw new Error('stats unavailable');
    });
    await expect(p.publishNow()).resolves.toBe(false);
    expect(p.publishFailures).toBe(1);
    expect(cw).toHaveReceivedCommandTimes(PutMetricDataCommand, 0);
  });

  it('re-sends turn latencies from a failed publish under their original timestamp', async () => {
    cw.on(PutMetricDataCommand).rejectsOnce(new Error('network down')).resolves({});
    const batches = [[500, 700], [900]];
    const { p, advanceClock } = publisher(() => ({ ...idle, turnLatenciesMs: batches.shift() ?? [] }));

    await p.publishNow();
    expect(p.stats().pendingLatencyDatums).toBe(1);
    advanceClock(60_000);
    await p.publishNow();

    const latency = sentInputs()[1]?.MetricData?.filter((d) => d.MetricName === 'TurnLatencyMs') ?? [];
    expect(latency.map((d) => [d.Timestamp, d.Values, d.Counts])).toEqual([
      [new Date(T0), [500, 700], [1, 1]],
      [new Date(T0 + 60_000), [900], [1]],
    ]);
    expect(p.stats().pendingLatencyDatums).toBe(0);
  });

  it('never overlaps: ticks while a slow publish is in flight are skipped', async () => {
    jest.useFakeTimers({ now: T0 });
    let release: () => void = () => undefined;
    cw.on(PutMetricDataCommand)
      .callsFakeOnce(() => new Promise((resolve) => (release = () => resolve({}))))
      .resolves({});
    const { p } = publisher(() => idle, { requestTimeoutMs: 10 * 60_000 });
    p.start();

    await jest.advanceTimersByTimeAsync(60_000 * 3); // first tick hangs; ticks 2 and 3 find it in flight
    expect(cw).toHaveReceivedCommandTimes(PutMetricDataCommand, 1);
    expect(p.stats().skippedTicks).toBe(2);

    release();
    await jest.advanceTimersByTimeAsync(60_000);
    expect(cw).toHaveReceivedCommandTimes(PutMetricDataCommand, 2);
    await p.stop();
  });

  it('stop() clears the timer and, when asked, publishes a final ActiveCalls=0', async () => {
    jest.useFakeTimers({ now: T0 });
    const { p } = publisher(() => ({ ...idle, activeCalls: 3 }));
    p.start();
    await jest.advanceTimersByTimeAsync(60_000);

    await p.stop({ finalPublish: true, activeCalls: 0 });
    expect(cw).toHaveReceivedCommandTimes(PutMetricDataCommand, 2);
    expect(datum(sentInputs()[0], 'ActiveCalls')?.Value).toBe(3);
    expect(datum(sentInputs()[1], 'ActiveCalls')?.Value).toBe(0);

    await jest.advanceTimersByTimeAsync(600_000);
    expect(cw).toHaveReceivedCommandTimes(PutMetricDataCommand, 2);
    p.start(); // a stopped publisher stays stopped
    await jest.advanceTimersByTimeAsync(120_000);
    expect(cw).toHaveReceivedCommandTimes(PutMetricDataCommand, 2);
  });

  it('stop() without finalPublish sends nothing more', async () => {
    const { p } = publisher(() => idle);
    p.start();
    await p.stop();
    expect(cw).toHaveReceivedCommandTimes(PutMetricDataCommand, 0);
  });
});

describe('createPublisherFromEnv', () => {
  const snapshot = () => idle;
  const logger = recordingLogger();

  it('is off without an AWS region (not running in AWS) or with METRICS_PUBLISH=off', () => {
    expect(createPublisherFromEnv({}, snapshot, logger)).toBeUndefined();
    expect(createPublisherFromEnv({ METRICS_PUBLISH: 'off', AWS_REGION: 'ap-south-1' }, snapshot, logger)).toBeUndefined();
    expect(createPublisherFromEnv({ METRICS_PUBLISH: 'on' }, snapshot, logger)).toBeUndefined();
  });

  it('is on in AWS, with the interval from METRICS_INTERVAL_SEC', () => {
    const p = createPublisherFromEnv({ AWS_REGION: 'ap-south-1', METRICS_INTERVAL_SEC: '30', ENVIRONMENT: 'staging' }, snapshot, logger);
    expect(p).toBeInstanceOf(MetricsPublisher);
    expect(p?.intervalMs).toBe(30_000);
    expect(createPublisherFromEnv({ AWS_DEFAULT_REGION: 'ap-south-1' }, snapshot, logger)?.intervalMs).toBe(60_000);
  });

  it('publishes with the Environment dimension from ENVIRONMENT', async () => {
    const p = createPublisherFromEnv({ AWS_REGION: 'ap-south-1', ENVIRONMENT: 'staging' }, snapshot, logger);
    await p?.publishNow();
    expect(datum(sentInputs()[0], 'ActiveCalls')?.Dimensions).toEqual([
      { Name: 'Environment', Value: 'staging' },
      { Name: 'Service', Value: 'voice' },
    ]);
  });

  it('rejects invalid settings by name', () => {
    expect(() => createPublisherFromEnv({ AWS_REGION: 'x', METRICS_INTERVAL_SEC: '1' }, snapshot, logger)).toThrow(/METRICS_INTERVAL_SEC/);
    expect(() => createPublisherFromEnv({ METRICS_PUBLISH: 'maybe' }, snapshot, logger)).toThrow(/METRICS_PUBLISH/);
  });
});
