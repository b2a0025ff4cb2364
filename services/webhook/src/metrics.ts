import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import {
  DIM_ENVIRONMENT,
  DIM_REASON,
  DIM_SERVICE,
  METRIC_NAMESPACE,
  MetricNames,
  WEBHOOK_SERVICE_NAME,
} from '../../shared/src/metrics-contract';

/** Low-cardinality values of the Reason dimension on CallsRejected. */
export type RejectionReason =
  | 'rate-limit-global'
  | 'rate-limit-agent'
  | 'rate-limit-caller'
  | 'limiter-unavailable'
  | 'signing-unavailable'
  | 'bad-request';

/**
 * Counted whenever the counter store could not decide (both fail modes), so an outage that
 * fail-open hides from CallsRejected still shows. Not yet in metrics-contract.ts.
 */
export const RATE_LIMITER_UNAVAILABLE_METRIC = 'RateLimiterUnavailable';

export interface AdmissionMetrics {
  admitted(decisionMs: number): void;
  rejected(reason: RejectionReason, decisionMs: number): void;
  limiterUnavailable(): void;
}

/**
 * EMF through Powertools, one blob per decision (a webhook invocation decides one call).
 * Dimensions: Environment and Service, plus Reason on CallsRejected only, so the decision
 * latency series is one series regardless of outcome.
 */
export class PowertoolsAdmissionMetrics implements AdmissionMetrics {
  private readonly metrics: Metrics;

  constructor(environment: string, metrics?: Metrics) {
    this.metrics = metrics ?? new Metrics({ namespace: METRIC_NAMESPACE, serviceName: WEBHOOK_SERVICE_NAME });
    // Powertools adds its own lowercase `service` dimension; the contract's dimensions are these.
    this.metrics.clearDefaultDimensions();
    this.metrics.setDefaultDimensions({ [DIM_ENVIRONMENT]: environment, [DIM_SERVICE]: WEBHOOK_SERVICE_NAME });
  }

  admitted(decisionMs: number): void {
    this.metrics.addMetric(MetricNames.callsAdmitted, MetricUnit.Count, 1);
    this.metrics.addMetric(MetricNames.admissionDecisionMs, MetricUnit.Milliseconds, decisionMs);
    this.metrics.publishStoredMetrics();
  }

  rejected(reason: RejectionReason, decisionMs: number): void {
    this.metrics.addMetric(MetricNames.admissionDecisionMs, MetricUnit.Milliseconds, decisionMs);
    this.metrics.publishStoredMetrics();
    this.metrics.addDimensions({ [DIM_REASON]: reason });
    this.metrics.addMetric(MetricNames.callsRejected, MetricUnit.Count, 1);
    this.metrics.publishStoredMetrics();
  }

  limiterUnavailable(): void {
    this.metrics.addMetric(RATE_LIMITER_UNAVAILABLE_METRIC, MetricUnit.Count, 1);
    this.metrics.publishStoredMetrics();
  }
}
