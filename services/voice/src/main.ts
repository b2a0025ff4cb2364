import { startVoiceService } from './app';
import { loadVoiceEnv } from './config/env';

/**
 * Container entry point. SIGTERM (ECS stop, scale-in, deploy): fail health checks, refuse new
 * calls, let live calls finish until the drain deadline (under Fargate's 120 s stop timeout),
 * then exit 0.
 */
async function main(): Promise<void> {
  const env = loadVoiceEnv();
  const service = await startVoiceService(env);
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    service.logger.info({ signal }, 'shutting down');
    service.drain(env.DRAIN_DEADLINE_SEC * 1000).then(
      ({ forced }) => {
        service.logger.info({ forced }, 'drained');
        process.exit(0);
      },
      (err: unknown) => {
        service.logger.error({ err: (err as Error).message }, 'drain failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`voice service failed to start: ${(err as Error).message}\n`);
  process.exit(1);
});
