import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { bearerKey, isKeyAccepted } from '../auth';
import type { EmulatorContext } from '../context';
import type { OpenAiConfig } from '../config';
import type { StreamFault } from '../faults';
import { readJsonBody, sendJson } from '../http/read-json-body';
import { StreamFaultTrigger } from '../http/stream-fault-trigger';
import type { ProviderCounters } from '../stats';
import { openAiErrors, sendOpenAiError } from './openai-errors';
import { tokenPieces } from './reply-text';

const contentSchema = z.union([
  z.string(),
  z.array(z.object({ type: z.string(), text: z.string().optional() }).passthrough()),
  z.null(),
]);

const requestSchema = z
  .object({
    model: z.string().min(1),
    messages: z.array(z.object({ role: z.string(), content: contentSchema.optional() }).passthrough()).min(1),
    stream: z.boolean().nullish(),
    stream_options: z.object({ include_usage: z.boolean().optional() }).passthrough().nullish(),
  })
  .passthrough();

type ChatRequest = z.infer<typeof requestSchema>;

function textOf(content: z.infer<typeof contentSchema> | undefined): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((part) => part.text ?? '').join(' ');
  return '';
}

/** POST /v1/chat/completions — streaming (SSE) and non-streaming. */
export async function handleChatCompletions(ctx: EmulatorContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const counters = ctx.counters.openai;
  counters.countRequest();
  if (!isKeyAccepted(bearerKey(req.headers), ctx.config.apiKey)) {
    counters.countAuthFailure();
    sendOpenAiError(res, 401, openAiErrors.auth);
    return;
  }
  const body = await readJsonBody(req);
  if (!body.ok) {
    sendOpenAiError(res, 400, openAiErrors.badRequest(body.message));
    return;
  }
  const parsed = requestSchema.safeParse(body.value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    sendOpenAiError(res, 400, { ...openAiErrors.badRequest(issue?.message ?? 'invalid request'), param: issue?.path.join('.') ?? null });
    return;
  }
  ctx.chatLog.record(body.value);
  const config = { ...ctx.config.openai };
  const retryAfter = { 'retry-after': String(config.retryAfterS) };
  const statusFault = ctx.faults.takeStatusFault('openai');
  if (statusFault !== undefined) {
    counters.countFault();
    if (statusFault.kind === '429') {
      counters.count429();
      sendOpenAiError(res, 429, openAiErrors.rateLimit(config.limit), retryAfter);
    } else {
      sendOpenAiError(res, statusFault.status ?? 503, openAiErrors.server);
    }
    return;
  }
  const release = counters.tryAcquire(config.limit);
  if (release === undefined) {
    counters.count429();
    sendOpenAiError(res, 429, openAiErrors.rateLimit(config.limit), retryAfter);
    return;
  }
  const request = parsed.data;
  const lastUser = [...request.messages].reverse().find((m) => m.role === 'user');
  const reply = ctx.replies.pick(textOf(lastUser?.content), config.replies, config.goodbye);
  const completion: Completion = {
    id: `chatcmpl-${randomUUID().replace(/-/g, '')}`,
    created: Math.floor(Date.now() / 1000),
    model: request.model,
    pieces: tokenPieces(reply),
    promptTokens: request.messages.reduce((sum, m) => sum + 3 + tokenPieces(textOf(m.content)).length, 0),
  };
  const fault = ctx.faults.takeStreamFault('openai');
  if (fault !== undefined) counters.countFault();
  if (request.stream === true) streamCompletion(res, completion, request, config, fault, counters, release);
  else respondWhole(res, completion, config, fault, counters, release);
}

interface Completion {
  id: string;
  created: number;
  model: string;
  pieces: string[];
  promptTokens: number;
}

function usage(c: Completion): { prompt_tokens: number; completion_tokens: number; total_tokens: number } {
  return { prompt_tokens: c.promptTokens, completion_tokens: c.pieces.length, total_tokens: c.promptTokens + c.pieces.length };
}

function streamCompletion(
  res: ServerResponse,
  completion: Completion,
  request: ChatRequest,
  config: OpenAiConfig,
  fault: StreamFault | undefined,
  counters: ProviderCounters,
  release: () => void,
): void {
  const includeUsage = request.stream_options?.include_usage === true;
  const startedAt = Date.now();
  const intervalMs = config.tokensPerSecond > 0 ? 1000 / config.tokensPerSecond : 0;
  let next = 0;
  let timer: NodeJS.Timeout | undefined;
  let stalled = false;
  let done = false;

  const finish = (): void => {
    if (done) return;
    done = true;
    if (timer !== undefined) clearTimeout(timer);
    trigger.cancel();
    release();
  };
  const write = (text: string): void => {
    res.write(text);
    trigger.addBytes(Buffer.byteLength(text));
  };
  const chunk = (delta: Record<string, unknown>, finishReason: string | null): string =>
    `data: ${JSON.stringify({
      id: completion.id,
      object: 'chat.completion.chunk',
      created: completion.created,
      model: completion.model,
      system_fingerprint: 'fp_emulator',
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
      ...(includeUsage ? { usage: null } : {}),
    })}\n\n`;

  const trigger = new StreamFaultTrigger(fault, (f) => {
    if (f.kind === 'disconnect') {
      finish();
      res.socket?.destroy();
    } else if (f.kind === 'stall') {
      stalled = true;
      if (timer !== undefined) clearTimeout(timer);
    } else {
      res.write('data: {"id":"chatcmpl-broken","object":"chat.completion.chunk","choices":[{"delta":{"content":\n\n');
    }
  });

  const sendNext = (): void => {
    timer = undefined;
    if (done || stalled) return;
    const piece = completion.pieces[next];
    if (piece !== undefined) {
      write(chunk({ content: piece }, null));
      next += 1;
      if (!done && !stalled) schedule();
      return;
    }
    write(chunk({}, 'stop'));
    if (includeUsage) {
      write(
        `data: ${JSON.stringify({ id: completion.id, object: 'chat.completion.chunk', created: completion.created, model: completion.model, system_fingerprint: 'fp_emulator', choices: [], usage: usage(completion) })}\n\n`,
      );
    }
    if (done || stalled) return;
    res.end('data: [DONE]\n\n');
    finish();
  };
  const schedule = (): void => {
    const dueAt = startedAt + config.ttftMs + next * intervalMs;
    timer = setTimeout(sendNext, Math.max(0, dueAt - Date.now()));
  };

  res.on('close', () => {
    if (!done && !res.writableFinished) counters.countAborted();
    finish();
  });
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'x-request-id': `req_${randomUUID().replace(/-/g, '')}`,
  });
  // Headers go out now, so a stalled stream still lets create() resolve (like a slow first token).
  res.flushHeaders();
  trigger.start();
  if (done || stalled) return;
  write(chunk({ role: 'assistant', content: '', refusal: null }, null));
  if (!done && !stalled) schedule();
}

function respondWhole(
  res: ServerResponse,
  completion: Completion,
  config: OpenAiConfig,
  fault: StreamFault | undefined,
  counters: ProviderCounters,
  release: () => void,
): void {
  const intervalMs = config.tokensPerSecond > 0 ? 1000 / config.tokensPerSecond : 0;
  let finished = false;
  const timer = setTimeout(() => {
    // A stalled response holds its slot until the client gives up.
    if (fault?.kind === 'stall') return;
    finished = true;
    release();
    if (fault?.kind === 'disconnect') {
      res.socket?.destroy();
      return;
    }
    if (fault?.kind === 'malformed') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"id":"chatcmpl-broken","choices":[');
      return;
    }
    sendJson(res, 200, {
      id: completion.id,
      object: 'chat.completion',
      created: completion.created,
      model: completion.model,
      system_fingerprint: 'fp_emulator',
      choices: [
        { index: 0, message: { role: 'assistant', content: completion.pieces.join(''), refusal: null }, logprobs: null, finish_reason: 'stop' },
      ],
      usage: usage(completion),
    });
  }, config.ttftMs + completion.pieces.length * intervalMs);
  res.on('close', () => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    counters.countAborted();
    release();
  });
}
