import type { CallRecordSink } from '../types';
import { MongoAgentStore } from './mongo-agent-store';
import { MongoCallSink, mongooseCallLogWrites } from './mongo-call-sink';
import { openMongo } from './mongo-connection';

/** What the state layer takes from MongoDB: the call-record sink and the agent store. */
export interface MongoStores {
  readonly sink: CallRecordSink;
  readonly agents: MongoAgentStore;
  /** Resolves once connected (mongoose buffers commands until then). */
  readonly connected: Promise<unknown>;
}

export function openMongoStores(uri: string): MongoStores {
  const mongo = openMongo(uri);
  return {
    sink: new MongoCallSink(mongooseCallLogWrites(mongo.callLogs), () => mongo.connection.close()),
    agents: new MongoAgentStore(mongo.agents),
    connected: mongo.connection.asPromise(),
  };
}
