import { callMinuteTraffic } from './audio-traffic';
import type { SimulationResult } from './autoscaling-simulator';
import type { CallAssumptions } from './call-assumptions';
import { spotTasks, type DeploymentProfile } from './deployment-profiles';
import type { AlbHour, MonthUsage } from './month-usage';

/** GetMetricData queries one cost-report run makes (ActiveCalls ×2, tasks, ALB ×4, NAT ×4 per gateway). */
export function costReportMetricQueries(natGateways: number): number {
  return 7 + 4 * natGateways;
}

/**
 * Turns a simulated month into billable quantities. Per-call-minute traffic comes from the codec
 * (audio-traffic.ts); everything else scales with calls, call-minutes or task-hours.
 */
export function usageFromSimulation(sim: SimulationResult, deployment: DeploymentProfile, a: CallAssumptions): MonthUsage {
  const traffic = callMinuteTraffic(a);
  const albHourly: AlbHour[] = sim.hourly.map((h) => {
    const callMinutes = h.demandCalls * 60;
    const callStarts = callMinutes / a.averageCallMinutes;
    return {
      // Each call opens two client connections: the webhook request and the media WebSocket.
      newConnections: callStarts * 2,
      activeConnections: h.demandCalls,
      processedBytes: callMinutes * traffic.albProcessedBytes,
      // Three listener rules: under the 10 evaluations per request that are free.
      ruleEvaluations: 0,
    };
  });
  const costReportInvocations = sim.days + 1; // daily runs plus the one on the 1st of the month
  return {
    hours: sim.days * 24,
    taskHours: sim.taskHours,
    spotTaskHours: sim.taskMinutesByCount.reduce((sum, minutes, tasks) => sum + minutes * spotTasks(tasks, deployment.capacityProviders), 0) / 60,
    taskLaunches: sim.taskLaunches,
    albHourly,
    ...callDrivenUsage(sim.callMinutes, a),
    costReportInvocations,
    // Each task publishes its metrics in one PutMetricData request a minute.
    putMetricDataRequests: sim.taskHours * 60 + costReportInvocations,
    getMetricDataMetrics: costReportInvocations * costReportMetricQueries(deployment.natGateways),
    // ECS reads each secret once when a task starts.
    secretsApiCalls: sim.taskLaunches * deployment.secrets,
  };
}

/** The quantities that follow from call-minutes alone (traffic from the codec, one admission per call). */
export function callDrivenUsage(callMinutes: number, a: CallAssumptions) {
  const traffic = callMinuteTraffic(a);
  const calls = callMinutes / a.averageCallMinutes;
  return {
    calls,
    callMinutes,
    natProcessedBytes: callMinutes * traffic.natProcessedBytes,
    internetOutBytes: callMinutes * traffic.internetOutBytes,
    webhookInvocations: calls,
    webhookGbSeconds: calls * (a.webhookLambdaMs / 1000) * (a.webhookLambdaMemoryMb / 1024),
    dynamoWriteUnits: calls * a.dynamoWriteUnitsPerCall,
    dynamoReadUnits: 0,
    logBytes: calls * a.logBytesPerCall,
    sttMinutes: callMinutes,
    ttsCharacters: callMinutes * traffic.ttsCharacters,
    llmInputTokens: callMinutes * traffic.llmInputTokens,
    llmOutputTokens: callMinutes * traffic.llmOutputTokens,
  } satisfies Partial<MonthUsage>;
}
