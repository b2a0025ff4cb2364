/**
 * What a simulated caller does, step by step. Steps run in order; the caller sends audio every
 * 100 ms throughout (speech during `say`, comfort noise otherwise), as a phone line does.
 */
export type AgentState = 'speaking' | 'silent';

export type ScriptStep =
  /** Speech for `ms`. `turn: false` for a backchannel ("ok") the agent should not answer. */
  | { kind: 'say'; ms: number; turn: boolean }
  | { kind: 'pause'; ms: number }
  /**
   * 'speaking': agent audio arrives (or is already playing). 'silent': the playout buffer has
   * drained and no agent audio arrived for ~300 ms.
   */
  | { kind: 'waitForAgent'; until: AgentState; timeoutMs: number }
  /** Waits until the agent has been audible for `afterAgentAudioMs`, then speaks over it. */
  | { kind: 'bargeIn'; afterAgentAudioMs: number; sayMs: number; timeoutMs: number }
  | { kind: 'dtmf'; digits: string; durationMs: number }
  | { kind: 'hangup'; reason: string }
  /** Hangs up `afterMs` into the agent's next audio. */
  | { kind: 'hangupDuringAgent'; afterMs: number; timeoutMs: number; reason: string };

export interface CallScript {
  name: string;
  steps: readonly ScriptStep[];
  /** Safety net: the caller hangs up (and the call fails) after this long. Default 5 minutes. */
  maxDurationMs?: number;
}

/** Exotel fails a session when the bot does not answer within ~10 s; we wait that long. */
export const DEFAULT_SPEAKING_TIMEOUT_MS = 10_000;
export const DEFAULT_SILENT_TIMEOUT_MS = 60_000;
export const DEFAULT_DTMF_DURATION_MS = 250;
export const DEFAULT_HANGUP_REASON = 'callended';

export function say(ms: number, options: { turn?: boolean } = {}): ScriptStep {
  return { kind: 'say', ms, turn: options.turn ?? true };
}

export function pause(ms: number): ScriptStep {
  return { kind: 'pause', ms };
}

export function waitForAgent(options: { until: AgentState; timeoutMs?: number }): ScriptStep {
  const timeoutMs =
    options.timeoutMs ?? (options.until === 'speaking' ? DEFAULT_SPEAKING_TIMEOUT_MS : DEFAULT_SILENT_TIMEOUT_MS);
  return { kind: 'waitForAgent', until: options.until, timeoutMs };
}

export function bargeIn(options: { afterAgentAudioMs: number; sayMs: number; timeoutMs?: number }): ScriptStep {
  return {
    kind: 'bargeIn',
    afterAgentAudioMs: options.afterAgentAudioMs,
    sayMs: options.sayMs,
    timeoutMs: options.timeoutMs ?? DEFAULT_SPEAKING_TIMEOUT_MS,
  };
}

export function dtmf(digits: string, options: { durationMs?: number } = {}): ScriptStep {
  if (!/^[0-9*#A-D]+$/.test(digits)) throw new Error(`invalid DTMF digits: ${digits}`);
  return { kind: 'dtmf', digits, durationMs: options.durationMs ?? DEFAULT_DTMF_DURATION_MS };
}

export function hangup(reason: string = DEFAULT_HANGUP_REASON): ScriptStep {
  return { kind: 'hangup', reason };
}

export function hangupDuringAgent(options: { afterMs: number; timeoutMs?: number; reason?: string }): ScriptStep {
  return {
    kind: 'hangupDuringAgent',
    afterMs: options.afterMs,
    timeoutMs: options.timeoutMs ?? DEFAULT_SPEAKING_TIMEOUT_MS,
    reason: options.reason ?? DEFAULT_HANGUP_REASON,
  };
}

/** Steps that only listen: if the service ends the call during these, the caller had nothing left to say. */
export function isListeningStep(step: ScriptStep): boolean {
  return step.kind === 'waitForAgent' || step.kind === 'pause' || step.kind === 'hangup' || step.kind === 'hangupDuringAgent';
}
