/**
 * `npm run cost -- [options]`: prices a month of a deployment from a demand profile.
 *
 *   --env dev|staging|prod        deployment shape (deployment-profiles.ts), default prod
 *   --region us-east-1|ap-south-1 price catalog, default the environment's region
 *   --profile NAME|FILE           flat | business-hours | ecommerce | operating-12h | a .json/.csv day
 *   --peak N                      peak concurrent calls (rescales the profile)
 *   --calls 10,20,50,100          a table, one row per peak (profile default: flat)
 *   --days N                      days in the month, default 30 (the plan's months)
 *   --assumptions FILE            JSON overriding call assumptions (call length, talk share...)
 *   --json | --markdown           output format (default: Markdown without the mermaid chart)
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { assumptionsFromJson } from './assumptions-file';
import { DEFAULT_CALL_ASSUMPTIONS } from './call-assumptions';
import { callsTable, callsTableMarkdown } from './calls-table';
import { loadDay } from './demand-profiles';
import { deploymentProfile } from './deployment-profiles';
import { estimateMonth } from './estimate';
import { toJson } from './json';
import { regionPrices } from './price-catalog';
import { reportFromEstimate } from './report';
import { reportMarkdown } from './report-markdown';

export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly readFile: (path: string) => string;
}

const defaultIo: CliIo = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  readFile: (p) => readFileSync(p, 'utf8'),
};

function positiveNumber(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} needs a number ≥ 0, got ${value}`);
  return n;
}

/** Returns the process exit code. */
export function runCli(argv: readonly string[], io: CliIo = defaultIo): number {
  try {
    const { values } = parseArgs({
      args: [...argv],
      options: {
        env: { type: 'string', default: 'prod' },
        region: { type: 'string' },
        profile: { type: 'string' },
        peak: { type: 'string' },
        calls: { type: 'string' },
        days: { type: 'string', default: '30' },
        assumptions: { type: 'string' },
        json: { type: 'boolean', default: false },
        markdown: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
      strict: true,
    });
    if (values.help) {
      io.out('usage: npm run cost -- [--env prod] [--region ap-south-1] [--profile ecommerce|flat|business-hours|operating-12h|file] [--peak N] [--calls 10,20,50,100] [--days 30] [--assumptions file.json] [--json|--markdown]\n');
      return 0;
    }
    const deployment = deploymentProfile(values.env);
    const region = values.region ?? deployment.region;
    const prices = regionPrices(region);
    const shaped = { ...deployment, region: prices.region };
    const days = positiveNumber('days', values.days);
    if (!Number.isInteger(days) || days < 1) throw new Error('--days needs a whole number ≥ 1');
    const assumptions = values.assumptions ? assumptionsFromJson(io.readFile(values.assumptions)) : DEFAULT_CALL_ASSUMPTIONS;

    if (values.calls !== undefined) {
      const peaks = values.calls.split(',').map((c) => positiveNumber('calls', c.trim()));
      const profile = values.profile ?? 'flat';
      const rows = callsTable(shaped, prices, profile, peaks, days, assumptions);
      io.out(values.json ? `${toJson({ env: deployment.env, region, profile, days, averageCallMinutes: assumptions.averageCallMinutes, rows })}\n` : callsTableMarkdown(rows, { env: deployment.env, region, profile, days, averageCallMinutes: assumptions.averageCallMinutes }));
      return 0;
    }

    const profile = values.profile ?? deployment.defaultProfile;
    const peak = values.peak !== undefined ? positiveNumber('peak', values.peak) : undefined;
    const dayDemand = loadDay(profile, peak ?? (profile.includes('.') ? undefined : deployment.defaultPeakCalls), io.readFile);
    const estimate = estimateMonth({ deployment: shaped, prices, dayDemand, days, assumptions });
    const report = reportFromEstimate(estimate, {
      env: deployment.env,
      region: prices.region,
      profile,
      budgetUsd: deployment.budgetUsd,
      assumptions,
      periodLabel: `a simulated ${days}-day month`,
    });
    io.out(values.json ? `${toJson(report)}\n` : reportMarkdown(report, { mermaid: values.markdown }));
    return 0;
  } catch (error) {
    io.err(`cost: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
}

if (require.main === module) {
  process.exitCode = runCli(process.argv.slice(2));
}
