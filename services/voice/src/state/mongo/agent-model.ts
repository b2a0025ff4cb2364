import { Schema, type Connection, type Model } from 'mongoose';

/**
 * An agent's configuration as stored. Field names follow the in-app AgentConfig
 * (services/voice/src/agents/agent-config.ts); defaults are NOT repeated here: a stored agent
 * names only what it overrides and the zod schema fills in the rest when it is read.
 */
export interface AgentConfigDoc {
  agentId: string;
  name?: string;
  systemPrompt?: string;
  greeting?: string;
  language?: string;
  voice?: { provider?: 'elevenlabs' | 'deepgram'; voiceId?: string; model?: string; fallbackVoiceId?: string };
  llm?: { model?: string; temperature?: number; maxTokens?: number; maxHistoryMessages?: number };
  stt?: { model?: string; endpointingMs?: number; utteranceEndMs?: number };
  bargeIn?: { enabled?: boolean; minWords?: number; minSpeechMs?: number; backchannels?: string[] };
  silence?: { repromptAfterMs?: number; maxReprompts?: number; repromptText?: string; goodbyeText?: string };
  apologyText?: string;
  holdText?: string;
  busyGoodbyeText?: string;
  /** Owner account, from the user's plan (agents listed per user). */
  userId?: string;
  /** A deactivated agent is not served (AgentStore.get returns null). */
  isActive?: boolean;
  updatedAt?: Date;
  createdAt?: Date;
}

export const agentSchema = new Schema<AgentConfigDoc>(
  {
    agentId: { type: String, required: true },
    name: String,
    systemPrompt: String,
    greeting: String,
    language: String,
    voice: {
      provider: { type: String, enum: ['elevenlabs', 'deepgram'] },
      voiceId: String,
      model: String,
      fallbackVoiceId: String,
    },
    llm: {
      model: String,
      temperature: { type: Number, min: 0, max: 2 },
      maxTokens: { type: Number, min: 1 },
      maxHistoryMessages: { type: Number, min: 2 },
    },
    stt: {
      model: String,
      endpointingMs: { type: Number, min: 0 },
      utteranceEndMs: { type: Number, min: 0 },
    },
    bargeIn: {
      enabled: Boolean,
      minWords: { type: Number, min: 1 },
      minSpeechMs: { type: Number, min: 0 },
      backchannels: { type: [String], default: undefined },
    },
    silence: {
      repromptAfterMs: { type: Number, min: 0 },
      maxReprompts: { type: Number, min: 0 },
      repromptText: String,
      goodbyeText: String,
    },
    apologyText: String,
    holdText: String,
    busyGoodbyeText: String,
    userId: String,
    isActive: { type: Boolean, default: true },
  },
  { timestamps: true, collection: 'agents', autoIndex: false },
);

// Looked up by agentId on every call.
agentSchema.index({ agentId: 1 }, { unique: true, name: 'agentid_unique' });
// The user's plan: a user's active agents.
agentSchema.index({ userId: 1, isActive: 1 }, { name: 'user_active_idx' });

export type AgentModel = Model<AgentConfigDoc>;

export function agentModel(connection: Connection): AgentModel {
  return (connection.models.Agent as AgentModel | undefined) ?? connection.model<AgentConfigDoc>('Agent', agentSchema);
}
