import { startLocalStack } from './local-stack';

/** `npm start`: the whole product on localhost, no cloud account or API keys needed. */
async function main(): Promise<void> {
  const stack = await startLocalStack();
  const base = stack.voice.url;
  process.stderr.write(
    [
      '',
      `calling-agent is running (environment ${stack.env.ENVIRONMENT})`,
      `  Exotel stream:  ${base.replace('http', 'ws')}/ws/exotel/voice/<callSid>?agent=default`,
      `  Health:         ${base}/health`,
      `  Stats:          ${base}/api/stats`,
      `  Try a call:     npm run sim -- --target ${base.replace('http', 'ws')} --calls 3`,
      '',
    ].join('\n'),
  );
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void stack.voice.drain(stack.env.DRAIN_DEADLINE_SEC * 1000).then(async () => {
      await stack.emulators?.close();
      process.exit(0);
    });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`failed to start: ${(err as Error).message}\n`);
  process.exit(1);
});
