/**
 * Which month a run reports on. The run on the 1st closes the previous calendar month; the daily
 * runs report the month so far and project it to the whole month.
 */
export type PeriodMode = 'previous-month' | 'month-to-date';

export interface ReportPeriod {
  readonly mode: PeriodMode;
  /** yyyy-mm of the month reported. */
  readonly month: string;
  readonly start: Date;
  /** Exclusive. */
  readonly end: Date;
  readonly hours: number;
  readonly monthHours: number;
}

const HOUR_MS = 3_600_000;

export function reportPeriod(now: Date, mode?: PeriodMode): ReportPeriod {
  const chosen: PeriodMode = mode ?? (now.getUTCDate() === 1 ? 'previous-month' : 'month-to-date');
  const thisMonth = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
  const start = chosen === 'previous-month' ? new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)) : new Date(thisMonth);
  const monthEnd = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
  // Month to date ends at the last whole hour: CloudWatch hourly sums are complete only then.
  const end = chosen === 'previous-month' ? monthEnd : new Date(Math.floor(now.getTime() / HOUR_MS) * HOUR_MS);
  const month = `${start.getUTCFullYear()}-${String(start.getUTCMonth() + 1).padStart(2, '0')}`;
  return {
    mode: chosen,
    month,
    start,
    end,
    hours: Math.max(0, (end.getTime() - start.getTime()) / HOUR_MS),
    monthHours: (monthEnd.getTime() - start.getTime()) / HOUR_MS,
  };
}
