import { z } from 'zod';
import type { Percentiles } from './percentiles';
import { splitBasicAuth } from '../stream-connection';
import { statsUrlFor } from '../stream-url';

const statsSchema = z.object({
  turns: z.object({
    overheadMs: z.object({ p50: z.number(), p95: z.number(), p99: z.number() }),
  }),
});

/**
 * The voice service's own view of its per-turn overhead (time spent outside the providers), read
 * from `GET /api/stats` → `turns.overheadMs`. Null when the service does not serve it.
 */
export async function fetchServiceOverheadMs(target: string, timeoutMs = 5000): Promise<Percentiles | null> {
  const { url, authorization } = splitBasicAuth(statsUrlFor(target));
  try {
    const res = await fetch(url, {
      headers: authorization === undefined ? {} : { authorization },
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!res.ok) return null;
    const parsed = statsSchema.safeParse(await res.json());
    return parsed.success ? parsed.data.turns.overheadMs : null;
  } catch {
    return null;
  }
}
