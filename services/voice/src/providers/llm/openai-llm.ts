import OpenAI from 'openai';
import { sharedLeanFetch } from '../http/lean-fetch';
import { SseDecoder } from '../http/sse-decoder';
import { streamBody, type ResponseBody } from '../http/stream-body';
import { ProviderError, isAbortError, statusOf } from '../provider-error';
import type { ChatRequest, LlmProvider, TokenReceiver } from './llm-provider';

/**
 * OpenAI chat completions, streamed. The SDK builds, authenticates, times and (once) retries the
 * request and turns an error status into its APIError; the event stream of a 200 is decoded here
 * (see SseDecoder for why). The SDK's own retry is kept to one quick attempt: a caller is
 * waiting, and the pipeline answers a failure with a spoken apology rather than seconds of
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

  async streamChat(req: ChatRequest, signal: AbortSignal, onToken: TokenReceiver): Promise<void> {
    let body: ResponseBody | null;
    try {
      const response = await this.client.chat.completions
        .create(
          {
            model: req.model,
            messages: req.messages.map((m) => ({ role: m.role, content: m.content })),
            temperature: req.temperature,
            max_tokens: req.maxTokens,
            stream: true,
          },
          { signal },
        )
        .asResponse();
      // Our lean fetch answers with a Node stream; a platform fetch would give a web stream.
      body = response.body as ResponseBody | null;
    } catch (err) {
      if (isAbortError(err) || signal.aborted) throw err;
      throw new ProviderError('openai', (err as Error).message, statusOf(err), { cause: err });
    }
    if (body === null) throw new ProviderError('openai', 'empty response body');
    let done = false;
    const decoder = new SseDecoder((data) => {
      if (done) return;
      if (data === '[DONE]') {
        done = true;
        return;
      }
      const delta = deltaOf(data);
      if (delta) onToken(delta);
    });
    try {
      await streamBody(body, (chunk) => decoder.push(chunk));
      decoder.end();
      // An aborted body can end quietly; callers must not mistake that for a full answer.
      signal.throwIfAborted();
    } catch (err) {
      if (isAbortError(err) || signal.aborted) throw err;
      if (err instanceof ProviderError) throw err;
      throw new ProviderError('openai', `stream failed: ${(err as Error).message}`, statusOf(err), { cause: err });
    }
    if (!done) throw new ProviderError('openai', 'stream ended before [DONE]');
  }
}

/**
 * The text of one `chat.completion.chunk` event. Checked by hand rather than with a schema: this
 * runs for every token of every call, and only these few fields are read. An `error` event (the
 * API sends one instead of chunks when a stream fails after its 200) becomes a ProviderError, as
 * the SDK's own stream would make it an APIError.
 */
function deltaOf(data: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    throw new ProviderError('openai', `malformed stream event: ${data.slice(0, 80)}`);
  }
  if (typeof parsed !== 'object' || parsed === null) throw new ProviderError('openai', 'stream event is not an object');
  const event = parsed as { error?: unknown; choices?: unknown };
  if (event.error !== undefined && event.error !== null) {
    const e = event.error as { message?: unknown; code?: unknown };
    const message = typeof e.message === 'string' ? e.message : JSON.stringify(event.error).slice(0, 200);
    throw new ProviderError('openai', `stream error: ${message}`, typeof e.code === 'number' ? e.code : undefined);
  }
  if (!Array.isArray(event.choices)) return undefined;
  const choice = event.choices[0] as { delta?: { content?: unknown } } | undefined;
  const content = choice?.delta?.content;
  return typeof content === 'string' ? content : undefined;
}
