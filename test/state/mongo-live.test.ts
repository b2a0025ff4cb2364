import { connectMongo, type MongoModels } from '../../services/voice/src/state/mongo/mongo-connection';
import { MongoAgentStore } from '../../services/voice/src/state/mongo/mongo-agent-store';
import { MongoCallSink, mongooseCallLogWrites } from '../../services/voice/src/state/mongo/mongo-call-sink';
import { line, range } from './helpers';

/**
 * Against a real MongoDB, only when MONGODB_URI is set (it writes to the calllogs and agents
 * collections under call SIDs prefixed with `live-test-`). Without it the suite reports itself
 * as skipped on the console and defines a single placeholder test saying so.
 */
const uri = process.env.MONGODB_URI;

if (!uri) {
  console.warn('state/mongo-live: skipped: MONGODB_URI not set');
  describe('MongoDB live (MONGODB_URI not set)', () => {
    it('is not run without MONGODB_URI', () => {
      expect(process.env.MONGODB_URI).toBeFalsy();
    });
  });
} else {
  describe('MongoDB live', () => {
    let mongo: MongoModels;
    const callSid = `live-test-${Date.now()}`;
    beforeAll(async () => {
      mongo = await connectMongo(uri);
      await mongo.callLogs.syncIndexes();
      await mongo.agents.syncIndexes();
    });
    afterAll(async () => {
      await mongo.callLogs.deleteMany({ callSid: { $regex: '^live-test-' } });
      await mongo.agents.deleteMany({ agentId: { $regex: '^live-test-' } });
      await mongo.connection.close();
    });

    it('appends overlapping and concurrent batches without duplicating a line', async () => {
      const sink = new MongoCallSink(mongooseCallLogWrites(mongo.callLogs));
      await sink.startCall({ callSid, agentId: 'live-test-agent', startedAt: new Date().toISOString(), taskId: 't' });
      await Promise.all([
        sink.appendTranscript(callSid, range(10).map((s) => line(callSid, s))),
        sink.appendTranscript(callSid, range(15).map((s) => line(callSid, s))),
        sink.appendTranscript(callSid, range(5).map((s) => line(callSid, 10 + s))),
      ]);
      await sink.appendTranscript(callSid, range(20).map((s) => line(callSid, s)));
      await sink.endCall({ callSid, status: 'completed', endedAt: new Date().toISOString(), durationSec: 3, endReason: 'hangup', turns: [{ turn: 1, turnLatencyMs: 800 }] });
      await sink.endCall({ callSid, status: 'interrupted', endedAt: new Date().toISOString(), durationSec: 9, endReason: 'task-lost', turns: [] });
      const doc = await mongo.callLogs.findOne({ callSid }).lean();
      expect(doc?.transcript.map((t) => t.seq)).toEqual(range(20));
      expect(doc).toMatchObject({ status: 'completed', endReason: 'hangup', lastSeq: 19, agentId: 'live-test-agent' });
    });

    it('serves active agents with defaults applied', async () => {
      await mongo.agents.create({ agentId: 'live-test-sales', name: 'Asha' });
      await mongo.agents.create({ agentId: 'live-test-off', isActive: false });
      const store = new MongoAgentStore(mongo.agents);
      expect((await store.get('live-test-sales'))?.name).toBe('Asha');
      expect(await store.get('live-test-off')).toBeNull();
      expect(await store.get('live-test-none')).toBeNull();
    });
  });
}
