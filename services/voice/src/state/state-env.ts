import { z } from 'zod';
import { defaultBatchPolicy } from './wal/batch-policy';

/** A task that misses renewals for this long is presumed dead (they happen every third of it). */
export const DEFAULT_LEASE_TTL_MS = 15_000;

const int = (def: number, min: number) => z.coerce.number().int().min(min).default(def);

/** The environment variables the state layer reads (stores are chosen by REDIS_URL / MONGODB_URI). */
export const stateEnvSchema = z.object({
  TRANSCRIPT_BATCH_SIZE: int(defaultBatchPolicy.batchSize, 1),
  TRANSCRIPT_FLUSH_MS: int(defaultBatchPolicy.flushMs, 10),
  TRANSCRIPT_MAX_BACKLOG: int(defaultBatchPolicy.maxBacklog, 1),
  SESSION_LEASE_TTL_MS: int(DEFAULT_LEASE_TTL_MS, 1000),
});

export type StateEnv = z.infer<typeof stateEnvSchema>;

export function loadStateEnv(env: NodeJS.ProcessEnv = process.env): StateEnv {
  const parsed = stateEnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid state configuration: ${problems}`);
  }
  return parsed.data;
}

