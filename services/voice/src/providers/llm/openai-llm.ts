import OpenAI from 'openai';
import { sharedLeanFetch } from '../http/lean-fetch';
import { ProviderError, isAbortError, statusOf } from '../provider-error';
import type { ChatRequest, LlmProvider } from './llm-provider';

/**
 * OpenAI chat completions, streamed. The SDK's own retry is kept to one quick attempt: a caller
 * is waiting, and the pipeline answers a failure with a spoken apology rather than seconds of
 * silence (openai v6: its engines accept Node 20; v7 needs Node 22).
 */
export class OpenAiLlm implements LlmProvider {
  readonly name = 'openai';
  private readonly client: OpenAI;

  constructor(apiKey: string, baseURL?: string, opts: { timeoutMs?: number; maxRetries?: number } = {}) {
    this.client = new OpenAI({
      apiKey,
      ...(baseURL ? { baseURL } : {}),
      maxRetries: opts.maxRetries ?? 1,
      timeout: opts.timeoutMs ?? 10_000,
      fetch: sharedLeanFetch(),
    });
  }

  async *streamChat(req: ChatRequest, signal: AbortSignal): AsyncIterable<string> {
    let stream;
    try {
      stream = await this.client.chat.completions.create(
        {
          model: req.model,
          messages: req.messages.map((m) => ({ role: m.role, content: m.content })),
          temperature: req.temperature,
          max_tokens: req.maxTokens,
          stream: true,
        },
        { signal },
      );
    } catch (err) {
      if (isAbortError(err) || signal.aborted) throw err;
      throw new ProviderError('openai', (err as Error).message, statusOf(err), { cause: err });
    }
    try {
      for await (const chunk of stream) {
        const delta = chunk.choices[0]?.delta?.content;
        if (delta) yield delta;
      }
      // The SDK ends an aborted stream quietly; callers must not mistake that for a full answer.
      signal.throwIfAborted();
    } catch (err) {
      if (isAbortError(err) || signal.aborted) throw err;
      throw new ProviderError('openai', `stream failed: ${(err as Error).message}`, statusOf(err), { cause: err });
    }
  }
}
