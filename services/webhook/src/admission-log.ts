/**
 * The logging seam (Powertools Logger in Lambda, anything with these methods elsewhere).
 * Callers pass structured fields only; signed URLs are redacted before they get here.
 */
export interface AdmissionLog {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export const silentLog: AdmissionLog = { info: () => undefined, warn: () => undefined, error: () => undefined };

export function describeError(err: unknown): Record<string, unknown> {
  return err instanceof Error ? { errorName: err.name, errorMessage: err.message } : { error: String(err) };
}
