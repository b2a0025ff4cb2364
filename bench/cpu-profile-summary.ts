import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { ProfileEntry } from './bench-types';

/** The parts of a V8 .cpuprofile (node --cpu-prof) that self time needs. */
const cpuProfileSchema = z.object({
  nodes: z.array(
    z.object({
      id: z.number(),
      callFrame: z.object({ functionName: z.string(), url: z.string(), lineNumber: z.number() }),
    }),
  ),
  samples: z.array(z.number()),
  timeDeltas: z.array(z.number()),
});

export interface SelfTimeSummary {
  totalMs: number;
  oursMs: number;
  topOurs: ProfileEntry[];
  topAll: ProfileEntry[];
}

/** Our code: the voice service's own sources (services/voice/src), wherever the repo lives. */
export const OURS_PATTERN = /\/services\/voice\/src\//;

/** File only: under tsx, V8's line numbers are those of the transformed code, not of the source. */
function displayLocation(url: string, repoRoot: string): string {
  if (url === '') return '(native)';
  let path = url;
  if (url.startsWith('file://')) {
    try {
      path = relative(repoRoot, fileURLToPath(url));
    } catch {
      path = url;
    }
  } else if (url.startsWith('/')) {
    path = relative(repoRoot, url);
  }
  return path;
}

/**
 * Self time per function (samples whose top frame is that function), merged across call sites,
 * largest first. `(idle)`, `(program)` and `(garbage collector)` stay in `topAll` so the reader sees
 * how much of the process was not JavaScript at all.
 */
export function summarizeCpuProfile(raw: unknown, repoRoot: string, top = 12): SelfTimeSummary {
  const profile = cpuProfileSchema.parse(raw);
  const byId = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const selfUs = new Map<string, { functionName: string; url: string; line: number; us: number }>();
  let totalUs = 0;
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id);
    const dt = profile.timeDeltas[i] ?? 0;
    if (frame === undefined || dt < 0) return;
    totalUs += dt;
    const key = `${frame.functionName}@${frame.url}:${frame.lineNumber}`;
    const entry = selfUs.get(key) ?? { functionName: frame.functionName || '(anonymous)', url: frame.url, line: frame.lineNumber, us: 0 };
    entry.us += dt;
    selfUs.set(key, entry);
  });
  const entries = [...selfUs.values()].sort((a, b) => b.us - a.us);
  const toEntry = (e: { functionName: string; url: string; line: number; us: number }): ProfileEntry => ({
    functionName: e.functionName,
    location: displayLocation(e.url, repoRoot),
    selfMs: Math.round(e.us / 100) / 10,
    selfPercent: totalUs > 0 ? Math.round((e.us / totalUs) * 1000) / 10 : 0,
  });
  const ours = entries.filter((e) => OURS_PATTERN.test(e.url));
  return {
    totalMs: Math.round(totalUs / 1000),
    oursMs: Math.round(ours.reduce((s, e) => s + e.us, 0) / 1000),
    topOurs: ours.slice(0, top).map(toEntry),
    topAll: entries.slice(0, top).map(toEntry),
  };
}
