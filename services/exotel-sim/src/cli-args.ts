import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { SigningKey } from '../../shared/src/stream-signature';
import { scenarioNames } from './script/scenarios';
import { DEFAULT_SIGNING_KEY_ID } from './stream-url';

export const USAGE = `usage: npm run sim -- --target <ws(s)://host[:port]> [--calls N] [--ramp <s>]
       [--scenario ${scenarioNames.join('|')}] [--agent <id>] [--json]
       [--concurrency K --duration <s>] [--marks-on-clear return|drop]
env:   STREAM_SIGNING_KEY (sign stream URLs), STREAM_SIGNING_KEY_ID (default ${DEFAULT_SIGNING_KEY_ID})`;

const argsSchema = z
  .object({
    target: z
      .string({ required_error: '--target is required' })
      .url()
      .refine((u) => /^wss?:\/\//.test(u), '--target must be a ws:// or wss:// URL'),
    calls: z.coerce.number().int().min(0).optional(),
    ramp: z.coerce.number().min(0).default(0),
    scenario: z.enum(scenarioNames).default('mixed'),
    agent: z.string().min(1).optional(),
    json: z.boolean().default(false),
    concurrency: z.coerce.number().int().min(1).optional(),
    duration: z.coerce.number().positive().optional(),
    'marks-on-clear': z.enum(['return', 'drop']).default('return'),
  })
  .refine((a) => a.concurrency !== undefined || a.calls !== 0, '--calls must be at least 1 (or use --concurrency)')
  // Without --calls: one call, or in steady mode no cap on calls placed.
  .transform((a) => ({ ...a, calls: a.calls ?? (a.concurrency !== undefined ? 0 : 1) }));

export type CliArgs = z.output<typeof argsSchema> & { signingKey?: SigningKey };

export type ParsedCli = { ok: true; args: CliArgs } | { ok: false; error: string };

export function parseCliArgs(argv: readonly string[], env: NodeJS.ProcessEnv): ParsedCli {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: [...argv],
      options: {
        target: { type: 'string' },
        calls: { type: 'string' },
        ramp: { type: 'string' },
        scenario: { type: 'string' },
        agent: { type: 'string' },
        json: { type: 'boolean' },
        concurrency: { type: 'string' },
        duration: { type: 'string' },
        'marks-on-clear': { type: 'string' },
      },
      strict: true,
    }).values;
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
  const parsed = argsSchema.safeParse(values);
  if (!parsed.success) {
    return { ok: false, error: parsed.error.issues.map((i) => i.message).join('; ') };
  }
  const secret = env.STREAM_SIGNING_KEY;
  const signingKey =
    secret !== undefined && secret !== ''
      ? { id: env.STREAM_SIGNING_KEY_ID || DEFAULT_SIGNING_KEY_ID, secret }
      : undefined;
  return { ok: true, args: { ...parsed.data, signingKey } };
}
