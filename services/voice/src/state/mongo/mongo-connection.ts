import mongoose, { type Connection } from 'mongoose';
import { agentModel, type AgentModel } from './agent-model';
import { callLogModel, type CallLogModel } from './call-log-model';

export interface MongoModels {
  connection: Connection;
  callLogs: CallLogModel;
  agents: AgentModel;
}

/**
 * A private connection (not mongoose's global one) so the state layer's lifetime is explicit.
 * Commands fail (mongoose's 10 s buffer timeout, the socket timeout) instead of waiting forever
 * while MongoDB is away: the transcript log then keeps the lines and retries.
 */
export async function connectMongo(uri: string): Promise<MongoModels> {
  const models = openMongo(uri);
  await models.connection.asPromise();
  return models;
}

/** Usable at once: mongoose buffers commands until the connection is up. */
export function openMongo(uri: string): MongoModels {
  const connection = mongoose.createConnection(uri, {
    serverSelectionTimeoutMS: 10_000,
    maxPoolSize: 20,
    socketTimeoutMS: 30_000,
  });
  return { connection, callLogs: callLogModel(connection), agents: agentModel(connection) };
}
