import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { MINUTES_PER_DAY } from './autoscaling-simulator';

/** A day of demand as anchor points (minute of day → concurrent calls), linear in between. */
export interface DemandPoint {
  readonly minute: number;
  readonly calls: number;
}

export const BUILT_IN_PROFILES = ['flat', 'business-hours', 'ecommerce', 'operating-12h'] as const;
export type BuiltInProfile = (typeof BUILT_IN_PROFILES)[number];

export function isBuiltInProfile(value: string): value is BuiltInProfile {
  return (BUILT_IN_PROFILES as readonly string[]).includes(value);
}

const hm = (h: number, m = 0): number => h * 60 + m;

/**
 * The plan's "E-commerce business operating 9 AM - 9 PM" day (Auto Scaling Deep Dive): 5-10 calls
 * overnight, 15 at 9:00, 35 at 10:00, 65 at 12:00, 95 at 17:00, 125-130 at 18:00, 40 at 21:00,
 * 20 at 22:00. Its peak is 130; `dayCurve` rescales to the requested peak.
 */
const ECOMMERCE_POINTS: readonly DemandPoint[] = [
  { minute: hm(0), calls: 8 },
  { minute: hm(8), calls: 8 },
  { minute: hm(9), calls: 15 },
  { minute: hm(10), calls: 35 },
  { minute: hm(12), calls: 65 },
  { minute: hm(17), calls: 95 },
  { minute: hm(18), calls: 125 },
  { minute: hm(18, 5), calls: 130 },
  { minute: hm(20), calls: 120 },
  { minute: hm(21), calls: 40 },
  { minute: hm(22), calls: 20 },
  { minute: hm(23), calls: 10 },
];

/** Business hours 09:00-17:00 at the peak, a tenth of it outside (the plan's "9 AM - 5 PM" case). */
function businessHoursDay(peak: number): number[] {
  return Array.from({ length: MINUTES_PER_DAY }, (_, m) => (m >= hm(9) && m < hm(17) ? peak : peak * 0.1));
}

export function builtInDay(profile: BuiltInProfile, peakCalls: number): number[] {
  switch (profile) {
    case 'flat':
      return new Array<number>(MINUTES_PER_DAY).fill(peakCalls);
    case 'business-hours':
      return businessHoursDay(peakCalls);
    case 'ecommerce':
      return scaleToPeak(interpolateDay(ECOMMERCE_POINTS), peakCalls);
    case 'operating-12h':
      // The plan's "Complete Cost" case: the peak for 12 hours a day, nothing outside.
      return Array.from({ length: MINUTES_PER_DAY }, (_, m) => (m >= hm(9) && m < hm(21) ? peakCalls : 0));
  }
}

/** Linear interpolation between anchor points, wrapping from the last point to the first at midnight. */
export function interpolateDay(points: readonly DemandPoint[]): number[] {
  if (points.length === 0) throw new Error('a demand curve needs at least one point');
  const sorted = [...points].sort((a, b) => a.minute - b.minute);
  const first = sorted[0]!;
  const last = sorted[sorted.length - 1]!;
  const wrapped = [{ minute: last.minute - MINUTES_PER_DAY, calls: last.calls }, ...sorted, { minute: first.minute + MINUTES_PER_DAY, calls: first.calls }];
  const day: number[] = [];
  let i = 0;
  for (let m = 0; m < MINUTES_PER_DAY; m++) {
    while (wrapped[i + 1]!.minute <= m) i++;
    const a = wrapped[i]!;
    const b = wrapped[i + 1]!;
    const t = b.minute === a.minute ? 0 : (m - a.minute) / (b.minute - a.minute);
    day.push(a.calls + (b.calls - a.calls) * t);
  }
  return day;
}

export function scaleToPeak(day: readonly number[], peakCalls: number): number[] {
  const max = Math.max(...day);
  if (max <= 0) return day.map(() => 0);
  return day.map((v) => (v * peakCalls) / max);
}

const TIME = /^(\d{1,2}):(\d{2})$/;

function parseMinute(value: string | number): number {
  if (typeof value === 'number') return value;
  const match = TIME.exec(value.trim());
  if (match) return Number(match[1]) * 60 + Number(match[2]);
  const n = Number(value);
  if (Number.isFinite(n)) return n;
  throw new Error(`not a time of day (HH:MM) or minute: ${value}`);
}

const pointSchema = z.object({
  time: z.union([z.string(), z.number().int()]),
  calls: z.number().nonnegative(),
});
const profileJsonSchema = z.union([
  z.array(z.number().nonnegative()).refine((a) => a.length === 24 || a.length === MINUTES_PER_DAY, {
    message: 'an array profile has 24 (hourly) or 1440 (per-minute) values',
  }),
  z.object({ points: z.array(pointSchema).min(1) }),
]);
const minuteSchema = z.number().int().min(0).max(MINUTES_PER_DAY - 1);

function pointsToDay(points: ReadonlyArray<{ time: string | number; calls: number }>): number[] {
  return interpolateDay(points.map((p) => ({ minute: minuteSchema.parse(parseMinute(p.time)), calls: p.calls })));
}

/**
 * A custom day from JSON (24 hourly values, 1,440 per-minute values, or `{ points: [{ time:
 * "HH:MM" | minute, calls }] }`) or CSV (`time,calls` rows, an optional header).
 * Hourly values hold for the whole hour; points are joined linearly.
 */
export function parseCustomProfile(text: string, format: 'json' | 'csv'): number[] {
  if (format === 'csv') {
    const rows = text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l.length > 0 && !l.startsWith('#'));
    const points = rows
      .filter((row, index) => !(index === 0 && /[a-z]/i.test(row.split(',')[1] ?? '')))
      .map((row) => {
        const [time, calls] = row.split(',').map((c) => c.trim());
        if (time === undefined || calls === undefined) throw new Error(`CSV row needs time,calls: ${row}`);
        return pointSchema.parse({ time, calls: Number(calls) });
      });
    return pointsToDay(points);
  }
  const parsed = profileJsonSchema.parse(JSON.parse(text));
  if (Array.isArray(parsed)) {
    return parsed.length === 24 ? Array.from({ length: MINUTES_PER_DAY }, (_, m) => parsed[Math.floor(m / 60)]!) : [...parsed];
  }
  return pointsToDay(parsed.points);
}

/** A built-in name or a path to a .json / .csv file. With peakCalls the curve is rescaled to it. */
export function loadDay(profile: string, peakCalls: number | undefined, readFile: (path: string) => string = (p) => readFileSync(p, 'utf8')): number[] {
  if (isBuiltInProfile(profile)) {
    if (peakCalls === undefined) throw new Error(`profile ${profile} needs a peak (--peak)`);
    return builtInDay(profile, peakCalls);
  }
  const format = profile.toLowerCase().endsWith('.csv') ? 'csv' : profile.toLowerCase().endsWith('.json') ? 'json' : null;
  if (format === null) throw new Error(`unknown profile ${profile}: use ${BUILT_IN_PROFILES.join(', ')} or a .json/.csv file`);
  const day = parseCustomProfile(readFile(profile), format);
  return peakCalls === undefined ? day : scaleToPeak(day, peakCalls);
}
