import { ExponentialBackoff, handleWhen, retry } from 'cockatiel';
import type { ConcurrencyLimiter } from '../capacity/limiter';
import type { ChatRequest, LlmProvider, TokenReceiver } from '../providers/llm/llm-provider';
import { ProviderError, isAbortError } from '../providers/provider-error';
import type { ProviderBreakers } from './provider-breakers';

/**
 * OpenAI behind an account-wide request slot, a breaker, and one quick retry with backoff for
 * 429/5xx before the first token (after it, a retry would repeat words the caller heard).
 */
export class LimitedLlm implements LlmProvider {
  readonly name: string;
  private readonly retryPolicy = retry(
    handleWhen((err) => !isAbortError(err) && (!(err instanceof ProviderError) || err.retryable)),
    { maxAttempts: 1, backoff: new ExponentialBackoff({ initialDelay: 150, maxDelay: 600 }) },
  );

  constructor(
    private readonly inner: LlmProvider,
    private readonly limiter: ConcurrencyLimiter,
    private readonly breakers: ProviderBreakers,
    private readonly queueTimeoutMs = 3000,
    /** No first token within this → abandon the request (the caller hears an apology). */
    private readonly firstTokenTimeoutMs = 4000,
    /** No further token within this → end the answer with what was said. */
    private readonly stallTimeoutMs = 4000,
  ) {
    this.name = inner.name;
  }

  async streamChat(req: ChatRequest, signal: AbortSignal, onToken: TokenReceiver): Promise<void> {
    const lease = await this.limiter.acquire({ signal, timeoutMs: this.queueTimeoutMs, priority: Date.now() });
    let attempt: AbortController | undefined;
    let timedOut: string | undefined;
    // One timer per request, re-armed with refresh() per token (not a new timer per token).
    let timer: NodeJS.Timeout | undefined;
    let timerMs = 0;
    let timeoutText = '';
    const arm = (ms: number, what: string): void => {
      timeoutText = what;
      if (timer && timerMs === ms) {
        timer.refresh();
        return;
      }
      clearTimeout(timer);
      timerMs = ms;
      timer = setTimeout(() => {
        timedOut = timeoutText;
        attempt?.abort();
      }, ms);
    };
    /** Our own deadline aborted the attempt: say so, rather than pass on a bare abort. */
    const classify = (err: unknown): unknown => {
      if (err instanceof ProviderError) return err;
      if (timedOut && !signal.aborted) return new ProviderError('openai', timedOut, 408, { cause: err });
      return err;
    };
    const onOuterAbort = (): void => attempt?.abort(signal.reason);
    signal.addEventListener('abort', onOuterAbort, { once: true });
    // Settles at the first token (or at an answer without one): the retry and the breaker judge
    // only that part, because once the caller has heard words a retry would repeat them. `rest`
    // is the remainder of the same stream.
    const startAttempt = (): Promise<{ rest: Promise<void> }> =>
      new Promise((resolveFirst, rejectFirst) => {
        const controller = new AbortController();
        attempt = controller;
        timedOut = undefined;
        arm(this.firstTokenTimeoutMs, `no first token within ${this.firstTokenTimeoutMs} ms`);
        let first = true;
        const stream = this.inner.streamChat(req, controller.signal, (token) => {
          if (first) {
            first = false;
            resolveFirst({ rest: stream });
          }
          arm(this.stallTimeoutMs, `stream stalled for ${this.stallTimeoutMs} ms`);
          onToken(token);
        });
        stream.then(
          () => {
            if (!first) return;
            first = false;
            if (timedOut && !signal.aborted) rejectFirst(new ProviderError('openai', timedOut, 408));
            else resolveFirst({ rest: stream });
          },
          (err: unknown) => {
            if (!first) return;
            first = false;
            rejectFirst(classify(err));
          },
        );
      });
    try {
      const { rest } = await this.retryPolicy.execute(() => this.breakers.get('openai-llm').execute(startAttempt), signal);
      await rest.catch((err: unknown) => {
        throw classify(err);
      });
      // The SDK can end an aborted stream quietly: a stall we cut short is still a failure.
      if (timedOut && !signal.aborted) throw new ProviderError('openai', timedOut, 408);
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onOuterAbort);
      await lease.release();
    }
  }
}
