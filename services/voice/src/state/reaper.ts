import { z } from 'zod';
import { turnMetricsSchema } from './schemas';
import {
  silentLogger,
  type CallRecordSink,
  type CallSession,
  type RecoverableTranscriptLog,
  type SessionStore,
  type StateLogger,
  type TurnMetrics,
} from './types';

export interface ReaperOptions {
  taskId: string;
  /** The lease the reaper takes while it finalizes a call (a reaper that dies mid-way lets it expire again). */
  leaseTtlMs: number;
  intervalMs?: number;
  /** Calls finalized per run at most. */
  batchLimit?: number;
  /** A task whose log heartbeat is older than this is dead: its leftover lines are drained. */
  deadTaskAfterMs?: number;
  logger?: StateLogger;
}

export interface ReapResult {
  finalized: string[];
  linesDelivered: number;
  failed: string[];
}

export const END_REASON_TASK_LOST = 'task-lost';

/**
 * Finalizes calls whose owning task stopped renewing its lease (crashed, killed, partitioned):
 * claim the call atomically, write every line still in the dead task's log, close the CallLog
 * as `interrupted` / `task-lost`, delete the session. Every task runs one; the claim makes sure
 * a call is finalized by one of them.
 */
export class Reaper {
  private readonly intervalMs: number;
  private readonly batchLimit: number;
  private readonly deadTaskAfterMs: number;
  private readonly logger: StateLogger;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<ReapResult> | undefined;

  constructor(
    private readonly sessions: SessionStore,
    private readonly transcripts: RecoverableTranscriptLog,
    private readonly sink: CallRecordSink,
    private readonly options: ReaperOptions,
  ) {
    this.intervalMs = options.intervalMs ?? Math.max(1000, Math.round(options.leaseTtlMs / 2));
    this.batchLimit = options.batchLimit ?? 20;
    this.deadTaskAfterMs = options.deadTaskAfterMs ?? Math.max(60_000, options.leaseTtlMs * 4);
    this.logger = options.logger ?? silentLogger;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      if (this.running) return; // a slow run is never overlapped
      this.runOnce().catch((err: unknown) => this.logger.error({ err: String(err) }, 'reaper run failed'));
    }, this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  runOnce(): Promise<ReapResult> {
    this.running ??= this.reap().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async reap(): Promise<ReapResult> {
    const result: ReapResult = { finalized: [], linesDelivered: 0, failed: [] };
    const expired = await this.sessions.expiredLeases(Date.now(), this.batchLimit);
    for (const session of expired) {
      if (!(await this.sessions.claim(session.callSid, this.options.taskId, this.options.leaseTtlMs))) continue;
      try {
        result.linesDelivered += await this.finalize(session);
        result.finalized.push(session.callSid);
      } catch (err) {
        // The claim's lease runs out and a later run (here or elsewhere) tries again.
        result.failed.push(session.callSid);
        this.logger.error({ callSid: session.callSid, err: String(err) }, 'could not finalize a lost call');
      }
    }
    try {
      result.linesDelivered += await this.transcripts.drainDeadTasks(this.deadTaskAfterMs);
    } catch (err) {
      this.logger.warn({ err: String(err) }, 'could not drain the logs of dead tasks');
    }
    if (result.finalized.length > 0) {
      this.logger.info({ callSids: result.finalized, lines: result.linesDelivered }, 'finalized calls of lost tasks');
    }
    return result;
  }

  private async finalize(session: CallSession): Promise<number> {
    const deadOwner = session.ownerTaskId;
    let delivered: number;
    if (deadOwner === this.options.taskId) {
      // Our own call, whose lease we failed to renew: its lines are in our own log.
      await this.transcripts.flushCall(session.callSid);
      delivered = 0;
    } else {
      delivered = await this.transcripts.drainTask(deadOwner);
    }
    const endedAtMs = Date.now();
    const startedAtMs = Date.parse(session.startedAt);
    await this.sink.endCall({
      callSid: session.callSid,
      status: 'interrupted',
      endedAt: new Date(endedAtMs).toISOString(),
      durationSec: Number.isFinite(startedAtMs) ? Math.max(0, Math.round((endedAtMs - startedAtMs) / 1000)) : 0,
      endReason: END_REASON_TASK_LOST,
      turns: turnsFromSession(session),
    });
    await this.sessions.delete(session.callSid);
    return delivered;
  }
}

const savedTurnsSchema = z.array(turnMetricsSchema);

/** Per-turn metrics the owner saved in `session.data.turns` at turn boundaries, if any. */
function turnsFromSession(session: CallSession): TurnMetrics[] {
  const parsed = savedTurnsSchema.safeParse(session.data?.turns);
  return parsed.success ? parsed.data : [];
}
