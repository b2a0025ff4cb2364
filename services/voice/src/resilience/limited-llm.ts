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
  ) {
    this.name = inner.name;
  }

  async *streamChat(req: ChatRequest, signal: AbortSignal): AsyncIterable<string> {
    const lease = await this.limiter.acquire({ signal, timeoutMs: this.queueTimeoutMs, priority: Date.now() });
    let iterator: AsyncIterator<string> | undefined;
    try {
      const first = await this.retryPolicy.execute(
        () =>
          this.breakers.get('openai-llm').execute(async () => {
            await iterator?.return?.().catch(() => undefined);
            iterator = this.inner.streamChat(req, signal)[Symbol.asyncIterator]();
            return iterator.next();
          }),
        signal,
      );
      if (first.done) return;
      yield first.value;
      for (;;) {
        const r = await iterator!.next();
        if (r.done) return;
        yield r.value;
      }
    } finally {
      await iterator?.return?.().catch(() => undefined);
      await lease.release();
    }
  }
}
