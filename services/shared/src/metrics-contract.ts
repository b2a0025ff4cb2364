/**
 * The CloudWatch metric names and dimensions the services publish and the infrastructure reads
 * (autoscaling, dashboards, alarms). One place, so a renamed metric cannot silently break the
 * scaling policy that targets it.
 */
export const METRIC_NAMESPACE = 'CallingAgent';

/** Dimension keys. Every voice task publishes with the same service-level values. */
export const DIM_ENVIRONMENT = 'Environment';
export const DIM_SERVICE = 'Service';
export const DIM_PROVIDER = 'Provider';
export const DIM_REASON = 'Reason';

export const VOICE_SERVICE_NAME = 'voice';
export const WEBHOOK_SERVICE_NAME = 'webhook';

export const MetricNames = {
  /** Calls in progress on one task; the autoscaling target (Average across tasks). */
  activeCalls: 'ActiveCalls',
  /** Provider slots held, limit, queue depth and wait; dimensioned by Provider. */
  providerSlotsInUse: 'ProviderSlotsInUse',
  providerSlotLimit: 'ProviderSlotLimit',
  providerQueueDepth: 'ProviderQueueDepth',
  providerQueueWaitMs: 'ProviderQueueWaitMs',
  /** Caller stops speaking -> first agent audio frame sent. */
  turnLatencyMs: 'TurnLatencyMs',
  /** Transcript entries waiting in the write-ahead log for the database. */
  transcriptBacklog: 'TranscriptBacklog',
  /** Webhook admission decisions (EMF from the Lambda). */
  callsAdmitted: 'CallsAdmitted',
  callsRejected: 'CallsRejected',
  admissionDecisionMs: 'AdmissionDecisionMs',
  /** DynamoDB unreachable during an admission decision (counted in both fail modes). */
  rateLimiterUnavailable: 'RateLimiterUnavailable',
  /** Published by the cost-report Lambda, dimensioned by Environment only. */
  estimatedMonthlyCost: 'EstimatedMonthlyCost',
} as const;

/** Provider resources limited per account; the Provider dimension takes these values. */
export const PROVIDER_RESOURCES = ['deepgram-stt', 'elevenlabs-tts', 'deepgram-tts', 'openai-llm'] as const;
export type ProviderResource = (typeof PROVIDER_RESOURCES)[number];
