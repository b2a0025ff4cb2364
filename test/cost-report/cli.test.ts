import { prodConfig } from '../../lib/config/environments/prod';
import { DEFAULT_CALL_ASSUMPTIONS } from '../../services/cost-report/src/call-assumptions';
import { runCli, type CliIo } from '../../services/cost-report/src/cli';

function run(args: string[], files: Record<string, string> = {}): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const io: CliIo = {
    out: (t) => (out += t),
    err: (t) => (err += t),
    readFile: (p) => {
      const f = files[p];
      if (f === undefined) throw new Error(`ENOENT ${p}`);
      return f;
    },
  };
  const code = runCli(args, io);
  return { code, out, err };
}

describe('npm run cost', () => {
  it('prints the per-peak table beside the plan\'s figures', () => {
    const r = run(['--calls', '10,20,50,100', '--markdown']);
    expect(r.code).toBe(0);
    const rows = r.out.split('\n').filter((l) => /^\| (10|20|50|100) \|/.test(l));
    expect(rows).toHaveLength(4);
    expect(rows[3]).toContain('$1,162.60 / $961.70'); // the plan's 100-call infrastructure
    // 100 calls 24/7 is ~$131k a month: over prod's $80k budget (infrastructure + APIs).
    expect(rows[3]).toMatch(/budget: budget .*\$80,000\/month.* EXCEEDED by the peak of 100/);
    expect(rows[0]).toMatch(/peak 10 fits/);
  });

  it('prints one JSON object with the headline fields', () => {
    const r = run(['--json', '--env', 'prod', '--profile', 'operating-12h', '--peak', '100']);
    expect(r.code).toBe(0);
    const report: unknown = JSON.parse(r.out);
    expect(report).toEqual(
      expect.objectContaining({
        monthlyInfraUsd: expect.any(Number),
        monthlyApiUsd: expect.any(Number),
        perCallUsd: expect.any(Number),
        perMinuteUsd: expect.any(Number),
        taskHours: expect.any(Number),
        // prod's ElevenLabs concurrency (lib/config) ÷ 0.15 slots held per call: exactly 100.
        bindingConstraint: expect.objectContaining({
          kind: 'provider',
          name: 'elevenlabs-tts',
          capacityCalls: Math.floor(prodConfig.providerLimits.elevenlabsTts / DEFAULT_CALL_ASSUMPTIONS.providerSlotsPerCall['elevenlabs-tts']),
          exceeded: false,
        }),
        budgetUsd: prodConfig.budget.monthlyUsd,
      }),
    );
    // Same load as the plan's "complete cost": 100 calls × 12 h × 60 min × 30 days = 2,160,000 minutes
    // at the plan's $30 per 1,000 minutes = $64,800 of provider APIs.
    const r2 = report as { callMinutes: number; monthlyApiUsd: number; perMinuteUsd: number };
    expect(r2.callMinutes).toBeCloseTo(2_160_000, 3);
    expect(r2.monthlyApiUsd).toBeCloseTo(64_800, 3);
    expect(r2.perMinuteUsd).toBeGreaterThan(0.03);
    expect(r2.perMinuteUsd).toBeLessThan(0.031);
  });

  it('reads a custom CSV profile and call assumptions from files', () => {
    const r = run(['--json', '--env', 'staging', '--profile', 'day.csv', '--assumptions', 'a.json'], {
      'day.csv': '00:00,0\n12:00,10\n',
      'a.json': JSON.stringify({ averageCallMinutes: 6 }),
    });
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out) as { peakDemandCalls: number; calls: number; callMinutes: number };
    expect(report.peakDemandCalls).toBe(10);
    expect(report.calls).toBeCloseTo(report.callMinutes / 6, 6);
  });

  it('fails with a message and exit code 2 on bad input', () => {
    expect(run(['--env', 'qa']).code).toBe(2);
    expect(run(['--env', 'qa']).err).toMatch(/unknown environment qa/);
    expect(run(['--region', 'eu-west-1']).err).toMatch(/no price catalog/);
    expect(run(['--assumptions', 'a.json'], { 'a.json': '{"agentTalkShare": 2}' }).code).toBe(2);
  });
});
