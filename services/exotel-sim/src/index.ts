import { percentiles as nearestRankPercentiles } from './load/percentiles';

export { runLoad, type LoadOptions, type LoadReport, type LoadProgress } from './load-runner';
export { formatReport } from './load/load-report';
export type { Percentiles } from './load/percentiles';

/** Nearest-rank p50/p95/p99; NaN for each when `values` is empty. */
export function percentiles(values: number[]): { p50: number; p95: number; p99: number } {
  return nearestRankPercentiles(values);
}

export { SimulatedCall, type SimulatedCallOptions } from './simulated-call';
export type { CallResult, TurnResult, CloseInfo } from './call-result';
export { scenarios, scenarioNames, type ScenarioName } from './script/scenarios';
export {
  type CallScript,
  type ScriptStep,
  say,
  pause,
  waitForAgent,
  bargeIn,
  dtmf,
  hangup,
  hangupDuringAgent,
} from './script/steps';

export type { MarksOnClear } from './playout/playout-buffer';
export type { ProtocolViolation, ViolationKind } from './protocol/service-messages';
export { buildStreamUrl } from './stream-url';
export { FrameClock } from './frame-clock';
