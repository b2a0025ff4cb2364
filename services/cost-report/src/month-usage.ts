/**
 * The physical quantities one month of a deployment consumes: what the cost model prices.
 * Built either from a simulated demand curve (usage-from-simulation.ts) or from the metrics
 * CloudWatch recorded (usage-from-metrics.ts).
 */
export interface AlbHour {
  readonly newConnections: number;
  /** Mean concurrent connections during the hour. */
  readonly activeConnections: number;
  readonly processedBytes: number;
  readonly ruleEvaluations: number;
}

export interface MonthUsage {
  readonly hours: number;
  /** Billed Fargate task-hours (on-demand + Spot). */
  readonly taskHours: number;
  /** The part of taskHours on FARGATE_SPOT (deployment-profiles.ts `spotTasks`). */
  readonly spotTaskHours: number;
  readonly taskLaunches: number;
  readonly calls: number;
  readonly callMinutes: number;
  readonly albHourly: readonly AlbHour[];
  readonly natProcessedBytes: number;
  readonly internetOutBytes: number;
  readonly webhookInvocations: number;
  readonly webhookGbSeconds: number;
  readonly costReportInvocations: number;
  readonly dynamoWriteUnits: number;
  readonly dynamoReadUnits: number;
  readonly putMetricDataRequests: number;
  readonly getMetricDataMetrics: number;
  readonly logBytes: number;
  readonly secretsApiCalls: number;
  readonly sttMinutes: number;
  readonly ttsCharacters: number;
  readonly llmInputTokens: number;
  readonly llmOutputTokens: number;
}

/** AWS bills data in GB of 2^30 bytes. */
export const BYTES_PER_GB = 1024 ** 3;
