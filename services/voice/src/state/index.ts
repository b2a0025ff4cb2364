/** The state layer's public surface: what the voice service imports. */
export * from './types';
export { createStateLayer, type StateLayer, type StateLayerConfig } from './state-layer';
export { loadStateEnv, stateEnvSchema, DEFAULT_LEASE_TTL_MS, type StateEnv } from './state-env';
export { Reaper, END_REASON_TASK_LOST, type ReapResult, type ReaperOptions } from './reaper';
export { LeaseKeeper } from './lease-keeper';
export { MemorySessionStore } from './sessions/memory-session-store';
export { RedisSessionStore } from './sessions/redis-session-store';
export { FileCallSink, DEFAULT_DATA_DIR } from './sinks/file-call-sink';
export { readCall, readCallFile, type StoredCall } from './sinks/file-call-records';
export { MemoryTranscriptLog } from './wal/memory-transcript-log';
export { RedisTranscriptLog } from './wal/redis-transcript-log';
export { defaultBatchPolicy, type BatchPolicy } from './wal/batch-policy';
export { MongoCallSink, mongooseCallLogWrites } from './mongo/mongo-call-sink';
export { MongoAgentStore, agentConfigFromDoc } from './mongo/mongo-agent-store';
export { connectMongo, openMongo, type MongoModels } from './mongo/mongo-connection';
export { callLogModel, type CallLogDoc } from './mongo/call-log-model';
export { agentModel, type AgentConfigDoc } from './mongo/agent-model';
