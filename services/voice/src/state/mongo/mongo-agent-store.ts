import { parseAgentConfig, type AgentConfig, type AgentStore } from '../../agents/agent-config';
import type { AgentModel } from './agent-model';

/** Agents from MongoDB, validated (and given their defaults) by the app's agent schema. */
export class MongoAgentStore implements AgentStore {
  constructor(private readonly model: AgentModel) {}

  async get(agentId: string): Promise<AgentConfig | null> {
    const doc = await this.model.findOne({ agentId, isActive: { $ne: false } }).lean();
    if (!doc) return null;
    try {
      return agentConfigFromDoc(doc);
    } catch (err) {
      throw new Error(`agent ${agentId} in MongoDB is not a valid configuration: ${String(err)}`);
    }
  }
}

/** Drops storage-only fields and nulls, then applies the app's schema (defaults included). */
export function agentConfigFromDoc(doc: object): AgentConfig {
  return parseAgentConfig(withoutNulls(doc));
}

function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === null || k === '_id' || k === '__v') continue;
    out[k] = withoutNulls(v);
  }
  return out;
}
