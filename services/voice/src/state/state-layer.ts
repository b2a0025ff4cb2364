import Redis from 'ioredis';
import { LeaseKeeper } from './lease-keeper';
import type { MongoAgentStore } from './mongo/mongo-agent-store';
import { Reaper } from './reaper';
import { MemorySessionStore } from './sessions/memory-session-store';
import { RedisSessionStore } from './sessions/redis-session-store';
import { FileCallSink, DEFAULT_DATA_DIR } from './sinks/file-call-sink';
import { DEFAULT_LEASE_TTL_MS } from './state-env';
import { silentLogger, type CallRecordSink, type RecoverableTranscriptLog, type SessionStore, type StateLogger } from './types';
import type { BatchPolicy } from './wal/batch-policy';
import { MemoryTranscriptLog } from './wal/memory-transcript-log';
import { RedisTranscriptLog } from './wal/redis-transcript-log';

export interface StateLayerConfig {
  /** Set → Redis sessions and the Redis Streams write-ahead log; unset → in-process. */
  redisUrl?: string;
  /** Set → CallLog/Agent in MongoDB; unset → JSON-lines files under dataDir. */
  mongodbUri?: string;
  /** Directory of the file sink (default `.data/calls`). */
  dataDir?: string;
  /** Unique per running task (ECS task id); names its log stream and its leases. */
  taskId: string;
  batchSize?: number;
  flushMs?: number;
  leaseTtlMs?: number;
  maxBacklog?: number;
  /** Extra batching knobs (tests); batchSize/flushMs/maxBacklog above win. */
  policy?: Partial<BatchPolicy>;
  reaperIntervalMs?: number;
  /** false: the caller runs reaper.runOnce() itself (tests). Default true. */
  startReaper?: boolean;
  logger?: StateLogger;
}

export interface StateLayer {
  sessions: SessionStore;
  transcripts: RecoverableTranscriptLog;
  sink: CallRecordSink;
  reaper: Reaper;
  /** Keeps this task's call leases alive: track(callSid) at start, untrack at end. */
  leases: LeaseKeeper;
  /** MongoDB-backed agents when mongodbUri is set (else undefined: use the file agent store). */
  agents: MongoAgentStore | undefined;
  leaseTtlMs: number;
  /** Resolves once the configured stores are reachable (MongoDB connected, Redis ready); optional. */
  ready(): Promise<void>;
  /** Stops the reaper, drains the transcript log into the sink, closes every connection. */
  close(): Promise<void>;
}

export function createStateLayer(config: StateLayerConfig): StateLayer {
  const logger = config.logger ?? silentLogger;
  const leaseTtlMs = config.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS;
  const policy: Partial<BatchPolicy> = { ...config.policy };
  if (config.batchSize !== undefined) policy.batchSize = config.batchSize;
  if (config.flushMs !== undefined) policy.flushMs = config.flushMs;
  if (config.maxBacklog !== undefined) policy.maxBacklog = config.maxBacklog;

  let sink: CallRecordSink;
  let agents: MongoAgentStore | undefined;
  const readiness: Array<Promise<unknown>> = [];
  // Handled here so a failure nobody asks about is not an unhandled rejection; ready() reports it.
  const track = (p: Promise<unknown>): void => {
    p.catch(() => undefined);
    readiness.push(p);
  };
  if (config.mongodbUri) {
    // Required here, not imported: mongoose and the MongoDB driver put 8 MB on the heap and a
    // 17 MB buffer beside it when loaded, which a task without MongoDB (local mode, the
    // benchmark) would carry, and every mark-compact would mark, for nothing.
    const { openMongoStores } = require('./mongo/mongo-stores') as typeof import('./mongo/mongo-stores');
    const mongo = openMongoStores(config.mongodbUri);
    track(mongo.connected);
    sink = mongo.sink;
    agents = mongo.agents;
  } else {
    sink = new FileCallSink(config.dataDir ?? DEFAULT_DATA_DIR);
  }

  let sessions: SessionStore;
  let transcripts: RecoverableTranscriptLog;
  if (config.redisUrl) {
    const client = new Redis(config.redisUrl, { maxRetriesPerRequest: 3 });
    client.on('error', (err: Error) => logger.warn({ err: err.message }, 'Redis (sessions) connection error'));
    sessions = new RedisSessionStore(client, { logger, ownsClient: true });
    track(client.ping());
    transcripts = RedisTranscriptLog.connect(config.redisUrl, sink, { taskId: config.taskId, policy, logger });
  } else {
    sessions = new MemorySessionStore();
    transcripts = new MemoryTranscriptLog(sink, { policy, logger });
  }

  const reaper = new Reaper(sessions, transcripts, sink, {
    taskId: config.taskId,
    leaseTtlMs,
    intervalMs: config.reaperIntervalMs,
    logger,
  });
  if (config.startReaper !== false) reaper.start();
  const leases = new LeaseKeeper(sessions, config.taskId, leaseTtlMs, logger);

  let closing: Promise<void> | undefined;
  const close = async (): Promise<void> => {
    leases.stop();
    await reaper.stop();
    try {
      await transcripts.close();
    } finally {
      await sessions.close();
      await sink.close();
    }
  };
  return {
    sessions,
    transcripts,
    sink,
    reaper,
    leases,
    agents,
    leaseTtlMs,
    ready: async () => {
      await Promise.all(readiness);
    },
    close: () => (closing ??= close()),
  };
}
