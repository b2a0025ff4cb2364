import { percentiles as nearestRank, type Percentiles } from '../../../shared/src/percentiles';

export type { Percentiles };

/**
 * Nearest-rank percentiles. With no values every percentile is NaN (serialised as null in JSON),
 * so a threshold check such as `p95 < 1500` fails instead of passing on an empty run.
 */
export function percentiles(values: readonly number[]): Percentiles {
  return nearestRank(values, NaN);
}
