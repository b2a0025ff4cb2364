import { parseArgs } from 'node:util';
import { z } from 'zod';
import { configPatchSchema } from './admin/admin-schemas';
import type { DeepPartial, EmulatorConfig } from './config';
import { startEmulators } from './index';

const USAGE = `npm run emulators -- [--port N] [--api-key KEY] [--stt-limit N] [--dg-tts-limit N]
  [--openai-limit N] [--el-limit N] [--realtime-factor X] [--config '<json patch>']
Prints {"url":"http://127.0.0.1:PORT"} on stdout when ready; stops on SIGTERM/SIGINT.`;

const count = z.coerce.number().int().nonnegative();

function parseCli(argv: string[]): { port: number; config: DeepPartial<EmulatorConfig> } {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      'api-key': { type: 'string' },
      'stt-limit': { type: 'string' },
      'dg-tts-limit': { type: 'string' },
      'openai-limit': { type: 'string' },
      'el-limit': { type: 'string' },
      'realtime-factor': { type: 'string' },
      config: { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help === true) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const opt = <T>(raw: string | undefined, schema: z.ZodType<T, z.ZodTypeDef, unknown>): T | undefined =>
    raw === undefined ? undefined : schema.parse(raw);
  const realtimeFactor = opt(values['realtime-factor'], z.coerce.number().nonnegative());
  const base: DeepPartial<EmulatorConfig> = values.config === undefined ? {} : configPatchSchema.parse(JSON.parse(values.config));
  const config: DeepPartial<EmulatorConfig> = {
    ...base,
    apiKey: values['api-key'] ?? base.apiKey,
    deepgramStt: { ...base.deepgramStt, limit: opt(values['stt-limit'], count) ?? base.deepgramStt?.limit },
    deepgramTts: {
      ...base.deepgramTts,
      limit: opt(values['dg-tts-limit'], count) ?? base.deepgramTts?.limit,
      realtimeFactor: realtimeFactor ?? base.deepgramTts?.realtimeFactor,
    },
    openai: { ...base.openai, limit: opt(values['openai-limit'], count) ?? base.openai?.limit },
    elevenlabs: {
      ...base.elevenlabs,
      limit: opt(values['el-limit'], count) ?? base.elevenlabs?.limit,
      realtimeFactor: realtimeFactor ?? base.elevenlabs?.realtimeFactor,
    },
  };
  return { port: opt(values.port, count) ?? 0, config };
}

async function main(): Promise<void> {
  let parsed: ReturnType<typeof parseCli>;
  try {
    parsed = parseCli(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    process.exit(2);
  }
  const emulators = await startEmulators(parsed.config, parsed.port);
  process.stdout.write(`${JSON.stringify({ url: emulators.url })}\n`);
  const stop = (): void => {
    emulators.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

void main();
