import type { LateFrameStats } from './playout/late-frame-detector';
import type { ProtocolViolation, ViolationKind } from './protocol/service-messages';

export interface TurnResult {
  /** 1-based, in the order the caller spoke. */
  index: number;
  /** 'answer': the caller spoke while the agent was quiet; 'barge-in': over the agent. */
  kind: 'answer' | 'barge-in';
  /** When the caller's last speech frame was sent, ms since the call opened. */
  speechEndedAtMs: number;
  /** End of the caller's speech audio sent -> first agent audio frame received; null if none came. */
  latencyMs: number | null;
  /** Barge-in only: caller's speech started -> `clear` received; null if the service never cleared. */
  clearAfterMs?: number | null;
}

export interface CloseInfo {
  code: number;
  reason: string;
  by: 'caller' | 'service';
}

export interface CallResult {
  callSid: string;
  streamSid: string;
  scenario: string;
  /** The caller ran its whole script (or the service ended the call when only listening was left). */
  completed: boolean;
  /** Low-cardinality reason when not completed, e.g. 'handshake-401', 'timeout:agent-speaking'. */
  failureReason: string | null;
  /** `start` sent -> first agent audio frame received. */
  greetingLatencyMs: number | null;
  turns: TurnResult[];
  lateFrames: LateFrameStats;
  /** The first violations seen (capped so a broken service cannot exhaust memory); counts are exact. */
  protocolViolations: ProtocolViolation[];
  violationCounts: Partial<Record<ViolationKind, number>>;
  close: CloseInfo | null;
  durationMs: number;
  framesSent: number;
  agentAudioReceivedMs: number;
  marksReturned: number;
  clearsReceived: number;
  dtmfSent: number;
}

export function violationTotal(result: Pick<CallResult, 'violationCounts'>): number {
  let total = 0;
  for (const n of Object.values(result.violationCounts)) total += n ?? 0;
  return total;
}
