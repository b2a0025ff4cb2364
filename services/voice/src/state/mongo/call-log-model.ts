import { Schema, type Connection, type Model } from 'mongoose';

export const CALL_LOG_STATUSES = ['in-progress', 'completed', 'interrupted', 'failed', 'rejected'] as const;

export interface StoredTranscriptLine {
  seq: number;
  speaker: 'caller' | 'agent' | 'system';
  text: string;
  timestamp: Date;
  interrupted?: boolean;
}

export interface StoredTurnMetrics {
  turn: number;
  sttEndpointMs?: number;
  llmFirstTokenMs?: number;
  ttsFirstByteMs?: number;
  turnLatencyMs?: number;
  overheadMs?: number;
}

export interface CallLogDoc {
  callSid: string;
  agentId?: string;
  /** The task that started the call (which stream its transcript went through). */
  taskId?: string;
  from?: string;
  to?: string;
  status: (typeof CALL_LOG_STATUSES)[number];
  startedAt?: Date;
  endedAt?: Date;
  durationSec?: number;
  transcript: StoredTranscriptLine[];
  turns: StoredTurnMetrics[];
  endReason?: string;
  /** Highest seq stored; a cheap progress figure (idempotency itself is by seq membership). */
  lastSeq: number;
  createdAt?: Date;
  updatedAt?: Date;
}

const transcriptLineSchema = new Schema<StoredTranscriptLine>(
  {
    seq: { type: Number, required: true, min: 0 },
    speaker: { type: String, required: true, enum: ['caller', 'agent', 'system'] },
    text: { type: String, required: true },
    timestamp: { type: Date, required: true },
    interrupted: { type: Boolean },
  },
  { _id: false },
);

const turnMetricsSchema = new Schema<StoredTurnMetrics>(
  {
    turn: { type: Number, required: true },
    sttEndpointMs: Number,
    llmFirstTokenMs: Number,
    ttsFirstByteMs: Number,
    turnLatencyMs: Number,
    overheadMs: Number,
  },
  { _id: false },
);

export const callLogSchema = new Schema<CallLogDoc>(
  {
    callSid: { type: String, required: true },
    agentId: { type: String },
    taskId: { type: String },
    from: { type: String },
    to: { type: String },
    status: { type: String, enum: CALL_LOG_STATUSES, default: 'in-progress', required: true },
    startedAt: { type: Date },
    endedAt: { type: Date },
    durationSec: { type: Number, min: 0 },
    transcript: { type: [transcriptLineSchema], default: [] },
    turns: { type: [turnMetricsSchema], default: [] },
    endReason: { type: String },
    lastSeq: { type: Number, default: -1 },
  },
  // autoIndex off: indexes are built by `npm run db:indexes`, not by every task at start-up.
  { timestamps: true, collection: 'calllogs', autoIndex: false },
);

// Every write addresses one call by its SID.
callLogSchema.index({ callSid: 1 }, { unique: true, name: 'callsid_unique' });
// The user's plan (Priority 2): dashboards by status and recency, per-agent status counts.
callLogSchema.index({ status: 1, createdAt: -1 }, { name: 'status_created_idx' });
callLogSchema.index({ agentId: 1, status: 1 }, { name: 'agent_status_idx' });
callLogSchema.index({ createdAt: -1 }, { name: 'created_desc_idx' });
// An agent's call history, newest first.
callLogSchema.index({ agentId: 1, startedAt: -1 }, { name: 'agent_started_idx' });

export type CallLogModel = Model<CallLogDoc>;

export function callLogModel(connection: Connection): CallLogModel {
  return (connection.models.CallLog as CallLogModel | undefined) ?? connection.model<CallLogDoc>('CallLog', callLogSchema);
}
