import { CloudWatchClient, PutMetricDataCommand, type Dimension, type MetricDatum, type StandardUnit } from '@aws-sdk/client-cloudwatch';
import { z } from 'zod';
import {
  DIM_ENVIRONMENT,
  DIM_PROVIDER,
  DIM_SERVICE,
  METRIC_NAMESPACE,
  MetricNames,
  VOICE_SERVICE_NAME,
  type ProviderResource,
} from '../../../shared/src/metrics-contract';
import { toValuesAndCounts } from './latency-histogram';

/** What the service hands the publisher once per interval. */
export interface MetricsSnapshot {
  activeCalls: number;
  limits: Array<{ name: ProviderResource; inUse: number; queued: number; limit: number; waitP95Ms: number }>;
  /** Turn latencies observed since the previous snapshot (the snapshot function drains them). */
  turnLatenciesMs: number[];
  transcriptBacklog?: number;
}

/** pino's Logger satisfies this. */
export interface PublisherLogger {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

/** Only `send` is used; a real CloudWatchClient (or one mocked by aws-sdk-client-mock) fits. */
export type CloudWatchSender = Pick<CloudWatchClient, 'send'>;

export interface MetricsPublisherOptions {
  client: CloudWatchSender;
  snapshot: () => MetricsSnapshot | Promise<MetricsSnapshot>;
  /** Environment dimension value (e.g. `prod`). */
  environment: string;
  /** Service dimension value; the autoscaling policy reads `voice`. */
  service?: string;
  intervalMs?: number;
  /** A PutMetricData that takes longer is aborted (and counted as a failure). Default: the interval. */
  requestTimeoutMs?: number;
  logger?: PublisherLogger;
  /** At most one failure log line per this period; the rest are counted into the next line. */
  failureLogIntervalMs?: number;
  now?: () => number;
}

export interface PublisherStats {
  publishes: number;
  publishFailures: number;
  /** Ticks skipped because the previous publish was still in flight. */
  skippedTicks: number;
  /** Turn-latency datums waiting to be re-sent after a failed publish. */
  pendingLatencyDatums: number;
  lastSuccessAtMs: number | undefined;
}

export interface StopOptions {
  /** Publish once more before returning (drain: the last word the autoscaler hears). */
  finalPublish?: boolean;
  /** Overrides the snapshot's active-call count in the final publish (drain: 0). */
  activeCalls?: number;
}

export const DEFAULT_METRICS_INTERVAL_MS = 60_000;
/** Fifteen minutes of failed turn-latency datums are kept for a retry; older ones are dropped. */
const MAX_PENDING_LATENCY_DATUMS = 15;
const STORAGE_RESOLUTION_SEC = 60;

const noopLogger: PublisherLogger = { warn: () => undefined, info: () => undefined };

/**
 * Publishes the task's gauges to CloudWatch, one PutMetricData per interval. `ActiveCalls` goes
 * out on every tick, including 0: target tracking never scales in on missing data, so an idle
 * task that went quiet would pin the service at its current size. A CloudWatch failure never
 * reaches the caller; the next tick simply tries again.
 */
export class MetricsPublisher {
  private readonly client: CloudWatchSender;
  private readonly snapshot: () => MetricsSnapshot | Promise<MetricsSnapshot>;
  private readonly baseDimensions: Dimension[];
  readonly intervalMs: number;
  private readonly requestTimeoutMs: number;
  private readonly logger: PublisherLogger;
  private readonly failureLogIntervalMs: number;
  private readonly now: () => number;

  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<boolean> | undefined;
  private pendingLatency: MetricDatum[] = [];
  private lastFailureLogAtMs: number | undefined;
  private unloggedFailures = 0;
  private stopped = false;

  publishes = 0;
  publishFailures = 0;
  skippedTicks = 0;
  lastSuccessAtMs: number | undefined;

  constructor(opts: MetricsPublisherOptions) {
    this.client = opts.client;
    this.snapshot = opts.snapshot;
    this.baseDimensions = [
      { Name: DIM_ENVIRONMENT, Value: opts.environment },
      { Name: DIM_SERVICE, Value: opts.service ?? VOICE_SERVICE_NAME },
    ];
    this.intervalMs = opts.intervalMs ?? DEFAULT_METRICS_INTERVAL_MS;
    this.requestTimeoutMs = opts.requestTimeoutMs ?? this.intervalMs;
    this.logger = opts.logger ?? noopLogger;
    this.failureLogIntervalMs = opts.failureLogIntervalMs ?? 5 * 60_000;
    this.now = opts.now ?? Date.now;
  }

  /** Starts the interval timer (idempotent). The first publish happens one interval from now. */
  start(): void {
    if (this.timer || this.stopped) return;
    this.timer = setInterval(() => void this.publishNow(), this.intervalMs);
    this.timer.unref();
  }

  /**
   * One publish. Resolves true when CloudWatch accepted it, false when it failed or was skipped
   * because another publish is still in flight. Never rejects.
   */
  publishNow(override: { activeCalls?: number } = {}): Promise<boolean> {
    if (this.inFlight) {
      this.skippedTicks++;
      return Promise.resolve(false);
    }
    const run = this.publishOnce(override).finally(() => {
      this.inFlight = undefined;
    });
    this.inFlight = run;
    return run;
  }

  /** Stops the timer; waits for an in-flight publish; optionally publishes a last time. */
  async stop(opts: StopOptions = {}): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.inFlight) await this.inFlight;
    if (opts.finalPublish) {
      await this.publishNow(opts.activeCalls === undefined ? {} : { activeCalls: opts.activeCalls });
    }
  }

  stats(): PublisherStats {
    return {
      publishes: this.publishes,
      publishFailures: this.publishFailures,
      skippedTicks: this.skippedTicks,
      pendingLatencyDatums: this.pendingLatency.length,
      lastSuccessAtMs: this.lastSuccessAtMs,
    };
  }

  private async publishOnce(override: { activeCalls?: number }): Promise<boolean> {
    let latencyDatums: MetricDatum[] = [];
    try {
      const snap = await this.snapshot();
      const timestamp = new Date(this.now());
      const gauges = this.gaugeData({ ...snap, activeCalls: override.activeCalls ?? snap.activeCalls }, timestamp);
      const fresh = this.latencyDatum(snap.turnLatenciesMs, timestamp);
      // Keep earlier unsent latencies under their own timestamps, so a retry does not move them.
      latencyDatums = [...this.pendingLatency, ...(fresh ? [fresh] : [])];
      this.pendingLatency = [];
      await this.send([...gauges, ...latencyDatums]);
      this.publishes++;
      this.lastSuccessAtMs = this.now();
      this.unloggedFailures = 0;
      return true;
    } catch (err) {
      this.pendingLatency = latencyDatums.slice(-MAX_PENDING_LATENCY_DATUMS);
      this.publishFailures++;
      this.logFailure(err);
      return false;
    }
  }

  private async send(data: MetricDatum[]): Promise<void> {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), this.requestTimeoutMs);
    timer.unref();
    try {
      await this.client.send(new PutMetricDataCommand({ Namespace: METRIC_NAMESPACE, MetricData: data }), {
        abortSignal: abort.signal,
      });
    } finally {
      clearTimeout(timer);
    }
  }

  private gaugeData(snap: MetricsSnapshot, timestamp: Date): MetricDatum[] {
    const datum = (name: string, value: number, unit: StandardUnit, extra: Dimension[] = []): MetricDatum => ({
      MetricName: name,
      Dimensions: [...this.baseDimensions, ...extra],
      Timestamp: timestamp,
      Value: finiteOrZero(value),
      Unit: unit,
      StorageResolution: STORAGE_RESOLUTION_SEC,
    });
    const data: MetricDatum[] = [datum(MetricNames.activeCalls, snap.activeCalls, 'Count')];
    for (const l of snap.limits) {
      const provider: Dimension[] = [{ Name: DIM_PROVIDER, Value: l.name }];
      data.push(
        datum(MetricNames.providerSlotsInUse, l.inUse, 'Count', provider),
        datum(MetricNames.providerSlotLimit, l.limit, 'Count', provider),
        datum(MetricNames.providerQueueDepth, l.queued, 'Count', provider),
        datum(MetricNames.providerQueueWaitMs, l.waitP95Ms, 'Milliseconds', provider),
      );
    }
    if (snap.transcriptBacklog !== undefined) {
      data.push(datum(MetricNames.transcriptBacklog, snap.transcriptBacklog, 'Count'));
    }
    return data;
  }

  /** Values/Counts (not a StatisticSet) so CloudWatch can compute p50/p95/p99 across tasks. */
  private latencyDatum(samplesMs: readonly number[], timestamp: Date): MetricDatum | undefined {
    if (samplesMs.length === 0) return undefined;
    const { values, counts } = toValuesAndCounts(samplesMs);
    return {
      MetricName: MetricNames.turnLatencyMs,
      Dimensions: [...this.baseDimensions],
      Timestamp: timestamp,
      Values: values,
      Counts: counts,
      Unit: 'Milliseconds',
      StorageResolution: STORAGE_RESOLUTION_SEC,
    };
  }

  private logFailure(err: unknown): void {
    const nowMs = this.now();
    if (this.lastFailureLogAtMs !== undefined && nowMs - this.lastFailureLogAtMs < this.failureLogIntervalMs) {
      this.unloggedFailures++;
      return;
    }
    this.lastFailureLogAtMs = nowMs;
    this.logger.warn(
      { err: describeError(err), failures: this.publishFailures, suppressedSinceLastLog: this.unloggedFailures },
      'cloudwatch metrics publish failed; retrying next interval',
    );
    this.unloggedFailures = 0;
  }
}

function finiteOrZero(v: number): number {
  return Number.isFinite(v) ? v : 0;
}

/** Name, message and HTTP status only: an SDK error object can carry request details. */
function describeError(err: unknown): { name: string; message: string; httpStatusCode?: number } {
  if (!(err instanceof Error)) return { name: 'Unknown', message: String(err) };
  const meta = '$metadata' in err ? err.$metadata : undefined;
  const status = typeof meta === 'object' && meta !== null && 'httpStatusCode' in meta ? meta.httpStatusCode : undefined;
  return typeof status === 'number'
    ? { name: err.name, message: err.message, httpStatusCode: status }
    : { name: err.name, message: err.message };
}

const publisherEnvSchema = z.object({
  METRICS_PUBLISH: z.enum(['on', 'off', 'auto']).default('auto'),
  METRICS_INTERVAL_SEC: z.coerce.number().int().min(5).max(3600).default(60),
  AWS_REGION: z.string().trim().optional(),
  AWS_DEFAULT_REGION: z.string().trim().optional(),
  ENVIRONMENT: z.string().regex(/^[a-z0-9-]{1,32}$/).default('local'),
  SERVICE_NAME: z.string().min(1).default(VOICE_SERVICE_NAME),
});

/**
 * The publisher for this process, or undefined when metrics stay local: `METRICS_PUBLISH=off`,
 * or no AWS region (not running in AWS). Returned unstarted: call `start()`.
 */
export function createPublisherFromEnv(
  env: Record<string, string | undefined>,
  snapshot: () => MetricsSnapshot | Promise<MetricsSnapshot>,
  logger: PublisherLogger,
): MetricsPublisher | undefined {
  const parsed = publisherEnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid metrics publisher configuration: ${problems}`);
  }
  const cfg = parsed.data;
  if (cfg.METRICS_PUBLISH === 'off') return undefined;
  const region = cfg.AWS_REGION || cfg.AWS_DEFAULT_REGION;
  if (!region) {
    if (cfg.METRICS_PUBLISH === 'on') logger.warn({}, 'METRICS_PUBLISH=on but no AWS_REGION is set; CloudWatch metrics disabled');
    return undefined;
  }
  const intervalMs = cfg.METRICS_INTERVAL_SEC * 1000;
  logger.info({ region, intervalMs, environment: cfg.ENVIRONMENT }, 'cloudwatch metrics publisher enabled');
  return new MetricsPublisher({
    client: new CloudWatchClient({ region, maxAttempts: 2 }),
    snapshot,
    environment: cfg.ENVIRONMENT,
    service: cfg.SERVICE_NAME,
    intervalMs,
    logger,
  });
}
