import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';

/** What the benchmark's processes need from the repository. */
const PATHS = ['services', 'scripts', 'bench', 'test/support', 'agents.json', 'package.json', 'tsconfig.json'];

/**
 * Exports the committed tree (`git archive <ref>`) into `destDir`, with node_modules linked, and
 * returns it. The checkout is shared with work in progress: measuring HEAD keeps a half-edited
 * file in someone else's folder from crashing (or flattering) the run. `--working-tree` skips it.
 */
export function snapshotSources(repoRoot: string, destDir: string, ref = 'HEAD'): { root: string; commit: string } {
  const commit = execFileSync('git', ['rev-parse', ref], { cwd: repoRoot, encoding: 'utf8' }).trim();
  mkdirSync(destDir, { recursive: true });
  const tar = execFileSync('git', ['archive', '--format=tar', commit, '--', ...PATHS], { cwd: repoRoot, maxBuffer: 1024 * 1024 * 1024 });
  execFileSync('tar', ['-x', '-C', destDir], { input: tar });
  symlinkSync(join(repoRoot, 'node_modules'), join(destDir, 'node_modules'), 'dir');
  return { root: destDir, commit };
}
