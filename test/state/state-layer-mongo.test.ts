import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

/**
 * The state layer requires mongoose only when a MongoDB URI is configured (8 MB of heap and a
 * 17 MB buffer otherwise carried by every task without MongoDB). Checked in a plain node process:
 * jest's module registry is not Node's require cache.
 */
describe('state layer: MongoDB is loaded only when configured', () => {
  it('without MONGODB_URI mongoose is never loaded; with one, the MongoDB sink and agent store are used', () => {
    const script = `
      const { createStateLayer } = require('./services/voice/src/state/state-layer');
      const loaded = () => Object.keys(require.cache).some((f) => f.includes('/node_modules/mongoose/'));
      (async () => {
        const out = { afterImport: loaded() };
        const local = createStateLayer({ taskId: 't-local', dataDir: require('node:os').tmpdir() + '/state-layer-mongo-' + process.pid, startReaper: false });
        out.localSink = local.sink.constructor.name;
        out.localAgents = local.agents === undefined;
        await local.close();
        out.afterLocal = loaded();
        // Nothing listens on port 9: the stores are built at once (mongoose buffers commands).
        const remote = createStateLayer({ taskId: 't-mongo', mongodbUri: 'mongodb://127.0.0.1:9/calling_agent_test', startReaper: false });
        out.mongoSink = remote.sink.constructor.name;
        out.mongoAgents = remote.agents && remote.agents.constructor.name;
        out.afterMongo = loaded();
        // Not closed (mongoose's close waits out the 10 s server selection of a server that is
        // not there), so the open connection would keep this process alive: exit explicitly.
        process.stdout.write(JSON.stringify(out));
        process.exit(0);
      })().catch((err) => {
        // A non-zero exit makes execFileSync throw with this stderr: the test fails with the cause.
        process.stderr.write(String((err && err.stack) || err));
        process.exit(1);
      });
    `;
    const out = JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 })) as Record<string, unknown>;
    expect(out).toEqual({
      afterImport: false,
      localSink: 'FileCallSink',
      localAgents: true,
      afterLocal: false,
      mongoSink: 'MongoCallSink',
      mongoAgents: 'MongoAgentStore',
      afterMongo: true,
    });
  });
});
