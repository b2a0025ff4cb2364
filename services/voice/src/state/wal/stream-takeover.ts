import type Redis from 'ioredis';
import type { CallRecordSink, TranscriptEntry } from '../types';
import { retryDelayMs, type BatchPolicy } from './batch-policy';
import { decodeAutoclaimReply, decodeReadReply, type StreamMessage } from './stream-codec';
import { isBusyGroupError, type WalKeys } from './wal-keys';

export interface TakeoverContext {
  redis: Redis;
  sink: CallRecordSink;
  keys: WalKeys;
  /** Consumer name of the task taking over. */
  consumer: string;
  policy: BatchPolicy;
  /** Called after each successful sink write (stats, pending bookkeeping). */
  onWritten(entries: TranscriptEntry[]): void;
  onWriteFailed(): void;
}

/** Sink attempts per batch during a takeover before giving up (the reaper retries later). */
const TAKEOVER_WRITE_ATTEMPTS = 5;

/**
 * Writes every line still in a dead task's stream to the sink: first the lines its consumer had
 * read but not acknowledged (XAUTOCLAIM, min idle 0: the owner is presumed dead), then the lines
 * nobody read yet. Acknowledges and deletes each batch only after the sink has it.
 */
export async function drainStream(ctx: TakeoverContext, deadTaskId: string): Promise<number> {
  const stream = ctx.keys.stream(deadTaskId);
  if ((await ctx.redis.exists(stream)) === 0) return 0;
  try {
    await ctx.redis.xgroup('CREATE', stream, ctx.keys.group, '0');
  } catch (err) {
    if (!isBusyGroupError(err)) throw err;
  }
  let delivered = 0;
  let start = '0-0';
  do {
    const reply: unknown = await ctx.redis.xautoclaim(
      stream, ctx.keys.group, ctx.consumer, 0, start, 'COUNT', ctx.policy.maxBatchEntries,
    );
    const { next, messages } = decodeAutoclaimReply(reply);
    delivered += await deliver(ctx, stream, messages);
    start = next;
  } while (start !== '0-0');
  for (;;) {
    const reply: unknown = await ctx.redis.xreadgroup(
      'GROUP', ctx.keys.group, ctx.consumer, 'COUNT', ctx.policy.maxBatchEntries, 'STREAMS', stream, '>',
    );
    const messages = decodeReadReply(reply);
    if (messages.length === 0) break;
    delivered += await deliver(ctx, stream, messages);
  }
  return delivered;
}

async function deliver(ctx: TakeoverContext, stream: string, messages: StreamMessage[]): Promise<number> {
  const byCall = new Map<string, TranscriptEntry[]>();
  for (const m of messages) {
    if (!m.entry) continue; // unreadable: acknowledged below so it cannot block the log
    const list = byCall.get(m.entry.callSid) ?? [];
    list.push(m.entry);
    byCall.set(m.entry.callSid, list);
  }
  for (const [callSid, entries] of byCall) {
    await writeWithRetry(ctx, callSid, entries);
    ctx.onWritten(entries);
  }
  const ids = messages.map((m) => m.id);
  if (ids.length > 0) {
    await ctx.redis.multi().xack(stream, ctx.keys.group, ...ids).xdel(stream, ...ids).exec();
  }
  return messages.length - messages.filter((m) => !m.entry).length;
}

async function writeWithRetry(ctx: TakeoverContext, callSid: string, entries: TranscriptEntry[]): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await ctx.sink.appendTranscript(callSid, entries);
      return;
    } catch (err) {
      ctx.onWriteFailed();
      if (attempt >= TAKEOVER_WRITE_ATTEMPTS) throw err;
      await new Promise((r) => setTimeout(r, retryDelayMs(attempt, ctx.policy)));
    }
  }
}
