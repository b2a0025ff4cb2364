import { parseArgs } from 'node:util';
import { formatReport, runLoad, scenarioNames, type ScenarioName } from '../exotel-sim/src/index';
import { startLocalStack } from './local-stack';

/**
 * `npm run demo -- --calls N [--json]`: starts the local stack (emulators + voice service),
 * places N simulated Exotel calls, shows progress and prints the report. With --json the last
 * line of stdout is one JSON object.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      calls: { type: 'string', default: '5' },
      ramp: { type: 'string', default: '2' },
      scenario: { type: 'string', default: 'conversation' },
      json: { type: 'boolean', default: false },
    },
  });
  const calls = Number(values.calls);
  const rampSec = Number(values.ramp);
  if (!Number.isInteger(calls) || calls < 1) throw new Error('--calls must be a positive integer');
  if (!Number.isFinite(rampSec) || rampSec < 0) throw new Error('--ramp must be a number of seconds');
  if (!(scenarioNames as readonly string[]).includes(values.scenario)) {
    throw new Error(`--scenario must be one of ${scenarioNames.join(', ')}`);
  }
  const stack = await startLocalStack({
    env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn', PORT: process.env.PORT ?? '0' },
  });
  try {
    const report = await runLoad({
      target: stack.voice.url.replace(/^http/, 'ws'),
      calls,
      rampSec,
      scenario: values.scenario as ScenarioName,
      onProgress: (p) =>
        process.stderr.write(`[${(p.elapsedMs / 1000).toFixed(0)}s] placed ${p.placed}/${calls} active ${p.active} completed ${p.completed} failed ${p.failed}\n`),
    });
    const stats = (await (await fetch(`${stack.voice.url}/api/stats`)).json()) as Record<string, unknown>;
    const out = { ...report, service: stats };
    if (values.json) process.stdout.write(`${JSON.stringify(out)}\n`);
    else process.stdout.write(`${formatReport(report)}\n`);
    process.exitCode = report.completed === calls ? 0 : 1;
  } finally {
    await stack.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`demo failed: ${(err as Error).message}\n`);
  process.exit(1);
});
