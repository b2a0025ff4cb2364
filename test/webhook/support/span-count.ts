/** The most admissions inside any half-open span [t, t + spanMs), over all t. */
export function maxAdmittedInAnySpan(admittedAtMs: readonly number[], spanMs: number): number {
  const times = [...admittedAtMs].sort((x, y) => x - y);
  let best = 0;
  let start = 0;
  for (let end = 0; end < times.length; end++) {
    while ((times[end] ?? 0) - (times[start] ?? 0) >= spanMs) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}
