import { SampleWindow, type Percentiles } from '../../../shared/src/percentiles';
import type { TurnMetrics } from '../pipeline/turn-metrics';

type CounterName =
  | 'callsStarted'
  | 'callsEnded'
  | 'callsRejected'
  | 'protocolErrors'
  | 'bargeIns'
  | 'sttReconnects'
  | 'llmFailures'
  | 'ttsFailures'
  | 'reprompts'
  | 'holdPrompts';

/** Service-wide call and turn figures for /api/stats, /metrics and the CloudWatch publisher. */
export class CallStats {
  activeCalls = 0;
  readonly counters: Record<CounterName, number> = {
    callsStarted: 0,
    callsEnded: 0,
    callsRejected: 0,
    protocolErrors: 0,
    bargeIns: 0,
    sttReconnects: 0,
    llmFailures: 0,
    ttsFailures: 0,
    reprompts: 0,
    holdPrompts: 0,
  };
  readonly rejectedByReason: Record<string, number> = {};
  private readonly turnLatency = new SampleWindow();
  private readonly overhead = new SampleWindow();
  private readonly sttEndpoint = new SampleWindow();
  private readonly llmFirstToken = new SampleWindow();
  private readonly ttsFirstByte = new SampleWindow();
  turns = 0;

  count(name: CounterName, by = 1): void {
    this.counters[name] += by;
  }

  reject(reason: string): void {
    this.counters.callsRejected++;
    this.rejectedByReason[reason] = (this.rejectedByReason[reason] ?? 0) + 1;
  }

  turn(m: TurnMetrics): void {
    this.turns++;
    if (m.interrupted) return; // an interrupted turn has no complete latency story
    if (m.turnLatencyMs !== undefined) this.turnLatency.add(m.turnLatencyMs);
    if (m.overheadMs !== undefined) this.overhead.add(m.overheadMs);
    if (m.sttEndpointMs !== undefined) this.sttEndpoint.add(m.sttEndpointMs);
    if (m.llmFirstTokenMs !== undefined) this.llmFirstToken.add(m.llmFirstTokenMs);
    if (m.ttsFirstByteMs !== undefined) this.ttsFirstByte.add(m.ttsFirstByteMs);
  }

  turnSummary(): {
    count: number;
    turnLatencyMs: Percentiles;
    overheadMs: Percentiles;
    sttEndpointMs: Percentiles;
    llmFirstTokenMs: Percentiles;
    ttsFirstByteMs: Percentiles;
  } {
    return {
      count: this.turns,
      turnLatencyMs: this.turnLatency.percentiles(),
      overheadMs: this.overhead.percentiles(),
      sttEndpointMs: this.sttEndpoint.percentiles(),
      llmFirstTokenMs: this.llmFirstToken.percentiles(),
      ttsFirstByteMs: this.ttsFirstByte.percentiles(),
    };
  }
}
