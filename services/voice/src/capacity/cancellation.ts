import { LimiterAbortError, LimiterClosedError, LimiterTimeoutError, type AcquireOptions } from './limiter';

export type CancelKind = 'timeout' | 'abort';

/** Rejects options a caller could only pass by mistake, before anything is queued. */
export function validateAcquireOptions(name: string, opts: AcquireOptions): void {
  if (opts.timeoutMs !== undefined && !(Number.isFinite(opts.timeoutMs) && opts.timeoutMs >= 0)) {
    throw new RangeError(`${name}: timeoutMs must be a finite number >= 0, got ${opts.timeoutMs}`);
  }
  if (opts.priority !== undefined && !Number.isFinite(opts.priority)) {
    throw new RangeError(`${name}: priority must be a finite number, got ${opts.priority}`);
  }
}

/**
 * Arms the waiter's timeout and abort listener. `cancel` runs at most once, synchronously from the
 * timer or the abort event, so the waiter leaves the queue the moment either fires. The returned
 * disposer disarms both (call it when the waiter is granted or cancelled).
 */
export function watchCancellation(
  name: string,
  opts: AcquireOptions,
  cancel: (err: Error, kind: CancelKind) => void,
): () => void {
  let timer: NodeJS.Timeout | undefined;
  const { signal, timeoutMs } = opts;
  const onAbort = (): void => {
    dispose();
    cancel(new LimiterAbortError(name), 'abort');
  };
  const dispose = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    signal?.removeEventListener('abort', onAbort);
  };
  if (timeoutMs !== undefined) {
    timer = setTimeout(() => {
      dispose();
      cancel(new LimiterTimeoutError(name, timeoutMs), 'timeout');
    }, timeoutMs);
  }
  signal?.addEventListener('abort', onAbort, { once: true });
  return dispose;
}

/**
 * The checks both limiters make before queueing: valid options, not closed, not already
 * aborted. Returns the rejection to hand back, or undefined to go on.
 */
export function refuseBeforeQueue(
  name: string,
  opts: AcquireOptions,
  closed: boolean,
  recorder: { aborts: number },
): Promise<never> | undefined {
  try {
    validateAcquireOptions(name, opts);
  } catch (err) {
    return Promise.reject(err);
  }
  if (closed) return Promise.reject(new LimiterClosedError(name));
  if (opts.signal?.aborted) {
    recorder.aborts += 1;
    return Promise.reject(new LimiterAbortError(name));
  }
  return undefined;
}
