import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Where a run's results go. A run that rewrites docs/benchmarks.md writes bench/results/<day>.json,
 * the raw data behind the docs; a second such run on the same day gets <day>T<HH-MM>.json rather
 * than replacing the first (which docs may still cite). A --no-docs run (an A/B, one step) goes to
 * bench/results/adhoc/<timestamp>.json, which git ignores. A run of another caller script than the
 * default (`variant`, e.g. realistic) carries its name: <day>-realistic.json.
 */
export function resultsFilePath(repoRoot: string, run: { dateIso: string; quick: boolean; docs: boolean; variant?: string }): string {
  const suffix = `${run.variant ? `-${run.variant}` : ''}${run.quick ? '-quick' : ''}.json`;
  if (!run.docs) return join(repoRoot, 'bench/results/adhoc', `${run.dateIso.replace(/[:.]/g, '-')}${suffix}`);
  const dir = join(repoRoot, 'bench/results');
  const byDay = join(dir, `${run.dateIso.slice(0, 10)}${suffix}`);
  if (!existsSync(byDay)) return byDay;
  return join(dir, `${run.dateIso.slice(0, 10)}T${run.dateIso.slice(11, 16).replace(':', '-')}${suffix}`);
}
