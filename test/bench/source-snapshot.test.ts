import { existsSync, lstatSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import { snapshotSources } from '../../bench/source-snapshot';

describe('source snapshot (what the bench measures by default)', () => {
  const repoRoot = resolve(__dirname, '../..');
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'bench-snapshot-test-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('exports the committed files the benchmark runs, with node_modules linked', () => {
    const { root, commit } = snapshotSources(repoRoot, join(dir, 'src'));
    expect(commit).toBe(execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim());
    for (const path of ['services/voice/src/main.ts', 'scripts/build-voice.ts', 'bench/floor-forwarder.ts', 'bench/load-worker.ts', 'agents.json']) {
      expect(existsSync(join(root, path))).toBe(true);
    }
    expect(lstatSync(join(root, 'node_modules')).isSymbolicLink()).toBe(true);
    const committed = execFileSync('git', ['show', 'HEAD:bench/floor-forwarder.ts'], { cwd: repoRoot, encoding: 'utf8' });
    expect(readFileSync(join(root, 'bench/floor-forwarder.ts'), 'utf8')).toBe(committed);
  });
});
