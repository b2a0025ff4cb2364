import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import {
  DIM_ENVIRONMENT,
  DIM_PROVIDER,
  DIM_REASON,
  DIM_SERVICE,
  METRIC_NAMESPACE,
  MetricNames,
  VOICE_SERVICE_NAME,
  WEBHOOK_SERVICE_NAME,
  type ProviderResource,
} from '../../services/shared/src/metrics-contract';

/**
 * The custom metrics as the services publish them (names and dimensions from the shared metric
 * contract). The autoscaling policy, dashboard and alarms all build their metrics here, so a
 * dimension mismatch cannot creep in between what is published and what is read.
 */
export class CallingAgentMetrics {
  constructor(private readonly environmentName: string) {}

  private voice(metricName: string, statistic: string, extra: Record<string, string> = {}): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: METRIC_NAMESPACE,
      metricName,
      dimensionsMap: { [DIM_ENVIRONMENT]: this.environmentName, [DIM_SERVICE]: VOICE_SERVICE_NAME, ...extra },
      statistic,
      period: Duration.minutes(1),
    });
  }

  /** Average ActiveCalls across tasks = calls per task (every task publishes, 0 when idle). */
  activeCallsPerTask(): cloudwatch.Metric {
    return this.voice(MetricNames.activeCalls, cloudwatch.Stats.AVERAGE);
  }

  /** All calls in progress across the service. */
  activeCallsTotal(): cloudwatch.Metric {
    return this.voice(MetricNames.activeCalls, cloudwatch.Stats.SUM);
  }

  /** Number of tasks reporting (one datapoint per task per period). */
  reportingTasks(): cloudwatch.Metric {
    return this.voice(MetricNames.activeCalls, cloudwatch.Stats.SAMPLE_COUNT);
  }

  providerSlotsInUse(provider: ProviderResource): cloudwatch.Metric {
    return this.voice(MetricNames.providerSlotsInUse, cloudwatch.Stats.MAXIMUM, { [DIM_PROVIDER]: provider });
  }

  providerSlotLimit(provider: ProviderResource): cloudwatch.Metric {
    return this.voice(MetricNames.providerSlotLimit, cloudwatch.Stats.MAXIMUM, { [DIM_PROVIDER]: provider });
  }

  providerQueueDepth(provider: ProviderResource): cloudwatch.Metric {
    return this.voice(MetricNames.providerQueueDepth, cloudwatch.Stats.MAXIMUM, { [DIM_PROVIDER]: provider });
  }

  providerQueueWaitP95(provider: ProviderResource): cloudwatch.Metric {
    return this.voice(MetricNames.providerQueueWaitMs, cloudwatch.Stats.p(95), { [DIM_PROVIDER]: provider });
  }

  turnLatency(percentile: 50 | 95): cloudwatch.Metric {
    return this.voice(MetricNames.turnLatencyMs, cloudwatch.Stats.p(percentile));
  }

  transcriptBacklog(): cloudwatch.Metric {
    return this.voice(MetricNames.transcriptBacklog, cloudwatch.Stats.MAXIMUM);
  }

  private webhook(metricName: string, statistic: string): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: METRIC_NAMESPACE,
      metricName,
      dimensionsMap: { [DIM_ENVIRONMENT]: this.environmentName, [DIM_SERVICE]: WEBHOOK_SERVICE_NAME },
      statistic,
      period: Duration.minutes(1),
    });
  }

  callsAdmitted(): cloudwatch.Metric {
    return this.webhook(MetricNames.callsAdmitted, cloudwatch.Stats.SUM);
  }

  admissionDecisionP95(): cloudwatch.Metric {
    return this.webhook(MetricNames.admissionDecisionMs, cloudwatch.Stats.p(95));
  }

  /** Rejections per Reason: the reasons are open-ended, so a SEARCH finds every series. */
  callsRejectedByReason(): cloudwatch.MathExpression {
    const search =
      `SEARCH('{${METRIC_NAMESPACE},${DIM_ENVIRONMENT},${DIM_SERVICE},${DIM_REASON}} ` +
      `MetricName="${MetricNames.callsRejected}" ${DIM_ENVIRONMENT}="${this.environmentName}"', 'Sum', 60)`;
    return new cloudwatch.MathExpression({ expression: search, label: 'Rejected', period: Duration.minutes(1) });
  }

  /**
   * Published by the cost-report Lambda with the Environment dimension only: infrastructure +
   * provider APIs for the month, projected from month to date.
   */
  estimatedMonthlyCost(): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: METRIC_NAMESPACE,
      metricName: MetricNames.estimatedMonthlyCost,
      dimensionsMap: { [DIM_ENVIRONMENT]: this.environmentName },
      statistic: cloudwatch.Stats.MAXIMUM,
      period: Duration.hours(6),
    });
  }
}
