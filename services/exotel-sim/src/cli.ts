import { parseCliArgs, USAGE } from './cli-args';
import { formatReport } from './load/load-report';
import { runLoad } from './load-runner';

/**
 * `npm run sim -- --target ws://localhost:8080 --calls 20 --ramp 5 --scenario mixed [--json]`
 * Progress goes to stderr once a second; the report to stdout (with --json: one JSON object as
 * the last line). Exit 0 only when every call completed its script.
 */
async function main(): Promise<number> {
  const parsed = parseCliArgs(process.argv.slice(2), process.env);
  if (!parsed.ok) {
    process.stderr.write(`${parsed.error}\n${USAGE}\n`);
    return 2;
  }
  const args = parsed.args;
  const report = await runLoad({
    target: args.target,
    calls: args.calls,
    rampSec: args.ramp,
    scenario: args.scenario,
    agentId: args.agent,
    signingKey: args.signingKey,
    concurrency: args.concurrency,
    durationSec: args.duration,
    marksOnClear: args['marks-on-clear'],
    onProgress: (p) =>
      process.stderr.write(
        `[${(p.elapsedMs / 1000).toFixed(0)}s] placed ${p.placed}, active ${p.active}, completed ${p.completed}, failed ${p.failed}\n`,
      ),
  });
  if (args.json) process.stdout.write(`${JSON.stringify(report)}\n`);
  else process.stdout.write(`${formatReport(report)}\n`);
  return report.calls > 0 && report.failed === 0 ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`exotel-sim failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
