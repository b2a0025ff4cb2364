import * as logs from 'aws-cdk-lib/aws-logs';
import type { LogRetentionDays } from '../config/log-retention';

/**
 * The CDK enum member for a validated retention in days. `RetentionDays` members ARE the day
 * counts, so this is a checked lookup rather than a table that could drift from the enum.
 */
export function cdkRetentionDays(days: LogRetentionDays): logs.RetentionDays {
  const member = Object.values(logs.RetentionDays).find((value) => value === days);
  if (typeof member !== 'number') throw new Error(`no RetentionDays member for ${days} days`);
  return member;
}
