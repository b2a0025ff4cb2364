import { z } from 'zod';

/**
 * The retention periods CloudWatch Logs accepts (PutRetentionPolicy), in days. Plain numbers so
 * the environment files stay pure data that the cost report and tests can import without
 * aws-cdk-lib; the constructs map them to `RetentionDays` (lib/shared/log-retention.ts), and a
 * test checks this list against that enum.
 */
export const CLOUDWATCH_LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

export type LogRetentionDays = (typeof CLOUDWATCH_LOG_RETENTION_DAYS)[number];

export function isLogRetentionDays(value: number): value is LogRetentionDays {
  return (CLOUDWATCH_LOG_RETENTION_DAYS as readonly number[]).includes(value);
}

export const logRetentionDaysSchema = z
  .number()
  .int()
  .refine(isLogRetentionDays, {
    message: `log retention must be one of CloudWatch's values: ${CLOUDWATCH_LOG_RETENTION_DAYS.join(', ')} days`,
  })
  .transform((days) => days as LogRetentionDays);
