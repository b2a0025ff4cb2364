import type { Logger } from 'pino';
import type { Speaker } from '../pipeline/call-session';
import type { TurnMetrics } from '../pipeline/turn-metrics';
import type { CallEndStatus, StateLayer, TurnMetrics as StoredTurn } from '../state/index';
import type { CallInfo } from './call-connection';

interface CallRecord {
  info: CallInfo;
  nextSeq: number;
  turns: StoredTurn[];
  /** Session writes for one call run in order, never two at once. */
  sessionWrites: Promise<void>;
}

/**
 * What a call leaves behind: its session (owner lease, turn state) and its durable record
 * (CallLog + transcript through the write-ahead log). Nothing here is awaited on the media
 * path; failures are logged and counted, never thrown into a live call.
 */
export class CallRecorder {
  private readonly calls = new Map<string, CallRecord>();
  private readonly settling = new Set<Promise<void>>();
  storeErrors = 0;

  constructor(
    private readonly state: StateLayer,
    private readonly taskId: string,
    private readonly logger: Logger,
  ) {}

  started(info: CallInfo): void {
    const startedAt = new Date(info.startedAtMs).toISOString();
    const record: CallRecord = { info, nextSeq: 0, turns: [], sessionWrites: Promise.resolve() };
    this.calls.set(info.callSid, record);
    this.state.leases.track(info.callSid);
    record.sessionWrites = this.guard(
      'session create',
      this.state.sessions.create(
        { callSid: info.callSid, agentId: info.agentId, ownerTaskId: this.taskId, state: 'live', turn: 0, nextSeq: 0, startedAt, updatedAt: startedAt },
        this.state.leaseTtlMs,
      ),
    );
    void this.guard(
      'call start',
      this.state.sink.startCall({
        callSid: info.callSid,
        agentId: info.agentId,
        startedAt,
        taskId: this.taskId,
        ...(info.from !== undefined ? { from: info.from } : {}),
        ...(info.to !== undefined ? { to: info.to } : {}),
      }),
    );
  }

  transcript(callSid: string, speaker: Speaker, text: string, interrupted: boolean): void {
    const rec = this.calls.get(callSid);
    if (!rec) return;
    this.state.transcripts.append({
      callSid,
      seq: rec.nextSeq++,
      speaker,
      text,
      timestamp: new Date().toISOString(),
      ...(interrupted ? { interrupted: true } : {}),
    });
  }

  /** A turn boundary: the session is written here, not per frame. */
  turn(callSid: string, m: TurnMetrics): void {
    const rec = this.calls.get(callSid);
    if (!rec) return;
    const stored: StoredTurn = { turn: m.turn };
    for (const k of ['sttEndpointMs', 'llmFirstTokenMs', 'ttsFirstByteMs', 'turnLatencyMs', 'overheadMs'] as const) {
      const v = m[k];
      if (v !== undefined) stored[k] = Math.round(v);
    }
    rec.turns.push(stored);
    const now = new Date().toISOString();
    rec.sessionWrites = rec.sessionWrites.then(() =>
      this.guard(
        'session save',
        this.state.sessions.save({
          callSid,
          agentId: rec.info.agentId,
          ownerTaskId: this.taskId,
          state: 'live',
          turn: m.turn,
          nextSeq: rec.nextSeq,
          startedAt: new Date(rec.info.startedAtMs).toISOString(),
          updatedAt: now,
          data: { turns: rec.turns },
        }),
      ),
    );
  }

  ended(callSid: string, reason: string): void {
    const rec = this.calls.get(callSid);
    if (!rec) return;
    this.calls.delete(callSid);
    const status: CallEndStatus = reason.startsWith('protocol:') ? 'failed' : 'completed';
    const endedAtMs = Date.now();
    const done = (async () => {
      await rec.sessionWrites;
      // Every line is in the store before the call is finalised and its lease let go.
      await this.guard('transcript flush', this.state.transcripts.flushCall(callSid));
      await this.guard(
        'call end',
        this.state.sink.endCall({
          callSid,
          status,
          endedAt: new Date(endedAtMs).toISOString(),
          durationSec: Math.round((endedAtMs - rec.info.startedAtMs) / 1000),
          endReason: reason,
          turns: rec.turns,
        }),
      );
      await this.guard('session delete', this.state.sessions.delete(callSid));
      this.state.leases.untrack(callSid);
    })();
    this.settling.add(done);
    void done.finally(() => this.settling.delete(done));
  }

  /** Resolves when every ended call has been written out (drain). */
  async settled(): Promise<void> {
    while (this.settling.size > 0) await Promise.all([...this.settling]);
  }

  private async guard(what: string, op: Promise<unknown>): Promise<void> {
    try {
      await op;
    } catch (err) {
      this.storeErrors++;
      this.logger.error({ err: (err as Error).message, what }, 'call state write failed');
    }
  }
}
