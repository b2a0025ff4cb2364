/** A provider failure, classified so the pipeline can choose: retry, fail over, or apologise. */
export class ProviderError extends Error {
  constructor(
    readonly provider: string,
    message: string,
    /** HTTP status when the provider answered with one (429, 5xx...). */
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(`${provider}: ${message}`, options);
    this.name = 'ProviderError';
  }

  get retryable(): boolean {
    return this.status === undefined || this.status === 429 || this.status >= 500;
  }
}

export function isAbortError(err: unknown): boolean {
  // Duck-typed: an abort's DOMException is not an `Error` instance in every realm (jest's, for one).
  if (typeof err !== 'object' || err === null) return false;
  const { name, message } = err as { name?: unknown; message?: unknown };
  return name === 'AbortError' || name === 'APIUserAbortError' || (typeof message === 'string' && /aborted/i.test(message));
}

/** Pulls an HTTP status out of the SDKs' various error shapes. */
export function statusOf(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { status?: unknown; statusCode?: unknown };
  if (typeof e.status === 'number') return e.status;
  if (typeof e.statusCode === 'number') return e.statusCode;
  return undefined;
}
