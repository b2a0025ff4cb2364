import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const REPO_ROOT = path.resolve(__dirname, '../..');

/** Runs bin/calling-agent.ts the way the CDK CLI does (context via CDK_CONTEXT_JSON). */
function runApp(context: Record<string, unknown>): { status: number | null; stderr: string } {
  const outdir = mkdtempSync(path.join(tmpdir(), 'cdk-app-'));
  try {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'bin/calling-agent.ts'], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH, CDK_CONTEXT_JSON: JSON.stringify(context), CDK_OUTDIR: outdir },
      encoding: 'utf8',
      timeout: 60_000,
    });
    return { status: result.status, stderr: result.stderr };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

describe('bin/calling-agent.ts', () => {
  it('fails with the list of environments for an unknown -c env', () => {
    const { status, stderr } = runApp({ env: 'qa' });
    expect(status).toBe(1);
    expect(stderr.trim()).toBe('Unknown environment "qa": expected one of dev, staging, prod.');
  });

  it('fails with a hint when no environment is selected', () => {
    const { status, stderr } = runApp({});
    expect(status).toBe(1);
    expect(stderr).toMatch(/No environment selected: pass -c env=<name>/);
  });
});
