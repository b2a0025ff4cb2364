import { ExponentialBackoff, handleWhen, retry } from 'cockatiel';
import type { ConcurrencyLimiter } from '../capacity/limiter';
import type { ChatRequest, LlmProvider } from '../providers/llm/llm-provider';
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

  async *streamChat(req: ChatRequest, signal: AbortSignal): AsyncIterable<string> {
    const lease = await this.limiter.acquire({ signal, timeoutMs: this.queueTimeoutMs, priority: Date.now() });
    let iterator: AsyncIterator<string> | undefined;
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
    const onOuterAbort = (): void => attempt?.abort();
    signal.addEventListener('abort', onOuterAbort, { once: true });
    const next = async (): Promise<IteratorResult<string>> => {
      try {
        const r = await iterator!.next();
        if (r.done && timedOut && !signal.aborted) throw new ProviderError('openai', timedOut, 408);
        return r;
      } catch (err) {
        if (err instanceof ProviderError) throw err;
        if (timedOut && !signal.aborted) throw new ProviderError('openai', timedOut, 408, { cause: err });
        throw err;
      }
    };
    try {
      const first = await this.retryPolicy.execute(
        () =>
          this.breakers.get('openai-llm').execute(async () => {
            await iterator?.return?.().catch(() => undefined);
            attempt = new AbortController();
            timedOut = undefined;
            arm(this.firstTokenTimeoutMs, `no first token within ${this.firstTokenTimeoutMs} ms`);
            iterator = this.inner.streamChat(req, attempt.signal)[Symbol.asyncIterator]();
            return next();
          }),
        signal,
      );
      if (first.done) return;
      yield first.value;
      for (;;) {
        arm(this.stallTimeoutMs, `stream stalled for ${this.stallTimeoutMs} ms`);
        const r = await next();
        if (r.done) return;
        yield r.value;
      }
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onOuterAbort);
      await iterator?.return?.().catch(() => undefined);
      await lease.release();
    }
  }
}
