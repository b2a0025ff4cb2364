/**
 * `npm run db:indexes`: creates (and drops stale) indexes for CallLog and Agent, then prints them.
 * Run once per deployment; tasks never build indexes themselves (autoIndex is off).
 */
import { connectMongo } from './mongo-connection';

async function main(): Promise<void> {
  const uri = process.env.MONGODB_URI;
  if (!uri) throw new Error('MONGODB_URI is not set');
  const { connection, callLogs, agents } = await connectMongo(uri);
  try {
    for (const model of [callLogs, agents]) {
      const dropped = await model.syncIndexes();
      const indexes = await model.collection.indexes();
      console.log(`${model.collection.collectionName}: ${indexes.map((i) => `${i.name} ${JSON.stringify(i.key)}`).join(', ')}`);
      if (dropped.length > 0) console.log(`  dropped: ${dropped.join(', ')}`);
    }
  } finally {
    await connection.close();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`db:indexes failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
