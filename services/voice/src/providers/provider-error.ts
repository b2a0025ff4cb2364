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

/**
 * Runs `fn` with stack capture off: for routine aborts, whose errors nobody logs. Node reads the
 * `stack` of the error a stream is destroyed with (to avoid a V8 leak), and under
 * `--enable-source-maps` formatting it maps every frame through the bundle's source map.
 */
export function withoutStackTraces<T>(fn: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return fn();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/**
 * The reason for a cancellation we chose (barge-in, hang-up): an AbortError, as
 * `AbortController.abort()` would make, named for why, and without a stack: what caused it is in
 * the message. (An Error subclass rather than a DOMException, whose stack is captured by Node's
 * own `Error` and ignores our limit.)
 */
export class Cancellation extends Error {}
Cancellation.prototype.name = 'AbortError';

export function cancellation(why: string): Cancellation {
  return withoutStackTraces(() => new Cancellation(why));
}
