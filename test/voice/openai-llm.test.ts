import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startEmulators, type RunningEmulators } from '../../services/emulators/src';
import { InProcessLimiter } from '../../services/voice/src/capacity/in-process-limiter';
import type { ChatRequest, LlmProvider } from '../../services/voice/src/providers/llm/llm-provider';
import { OpenAiLlm } from '../../services/voice/src/providers/llm/openai-llm';
import { ProviderError, isAbortError } from '../../services/voice/src/providers/provider-error';
import { LimitedLlm } from '../../services/voice/src/resilience/limited-llm';
import { ProviderBreakers } from '../../services/voice/src/resilience/provider-breakers';
import { FAST, waitFor } from '../emulators/support';

const REPLY = 'Sure, I can help. What is your order number?';
const REQUEST: ChatRequest = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }], temperature: 0.3, maxTokens: 100 };

async function run(llm: LlmProvider, signal = new AbortController().signal): Promise<{ tokens: string[]; error?: unknown }> {
  const tokens: string[] = [];
  try {
    await llm.streamChat(REQUEST, signal, (t) => tokens.push(t));
    return { tokens };
  } catch (error) {
    return { tokens, error };
  }
}

describe('OpenAiLlm (openai SDK request, our event-stream decoding) against the emulator', () => {
  let emu: RunningEmulators;
  let llm: OpenAiLlm;
  beforeAll(async () => {
    emu = await startEmulators({ ...FAST, openai: { ...FAST.openai, tokensPerSecond: 200, replies: [REPLY] } });
    llm = new OpenAiLlm('test-key', `${emu.url}/v1`, { maxRetries: 0 });
  });
  afterEach(async () => {
    await waitFor(() => emu.stats().openai.open === 0, 5000, 'requests released');
    emu.reset();
  });
  afterAll(() => emu.close());

  it('pushes the answer token by token, in order', async () => {
    const { tokens, error } = await run(llm);
    expect(error).toBeUndefined();
    expect(tokens.length).toBeGreaterThan(3);
    expect(tokens.join('')).toBe(REPLY);
  });

  it('a 429 is a ProviderError with its status (the retry is LimitedLlm’s to decide)', async () => {
    emu.setFault('openai', { kind: '429', count: 1 });
    const { tokens, error } = await run(llm);
    expect(tokens).toEqual([]);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).status).toBe(429);
  });

  it('a broken event mid-answer fails the stream after the tokens before it', async () => {
    emu.setFault('openai', { kind: 'malformed', afterBytes: 600, count: 1 });
    const { tokens, error } = await run(llm);
    expect(tokens.length).toBeGreaterThan(0);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as Error).message).toMatch(/malformed stream event/);
  });

  it('a connection dropped mid-answer fails the stream', async () => {
    emu.setFault('openai', { kind: 'disconnect', afterBytes: 600, count: 1 });
    const { tokens, error } = await run(llm);
    expect(tokens.length).toBeGreaterThan(0);
    expect(tokens.join('')).not.toBe(REPLY);
    expect(error).toBeInstanceOf(ProviderError);
  });

  it('aborting stops the request at the provider and rejects with an abort', async () => {
    emu.setFault('openai', { kind: 'stall', afterBytes: 600, count: 1 });
    const ac = new AbortController();
    const pending = run(llm, ac.signal);
    await waitFor(() => emu.stats().openai.open === 1, 5000, 'request open');
    await new Promise((r) => setTimeout(r, 100));
    ac.abort();
    const { error } = await pending;
    expect(isAbortError(error)).toBe(true);
    await waitFor(() => emu.stats().openai.aborted === 1, 5000, 'abort seen by the emulator');
  });
});

describe('OpenAiLlm: an error event inside a 200 stream', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: {"choices":[{"index":0,"delta":{"content":"Hel"}}]}\n\n');
      res.end('data: {"error":{"message":"The server had an error while processing your request.","type":"server_error"}}\n\n');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('becomes a ProviderError carrying the API’s message, after the tokens before it', async () => {
    const { tokens, error } = await run(new OpenAiLlm('k', url, { maxRetries: 0 }));
    expect(tokens).toEqual(['Hel']);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as Error).message).toMatch(/stream error: The server had an error/);
  });
});

describe('LimitedLlm (slot, breaker, retry before the first token, deadlines) over the emulator', () => {
  let emu: RunningEmulators;
  let limiter: InProcessLimiter;
  let limited: LimitedLlm;
  beforeAll(async () => {
    emu = await startEmulators({ ...FAST, openai: { ...FAST.openai, tokensPerSecond: 200, retryAfterS: 0, replies: [REPLY] } });
  });
  beforeEach(() => {
    limiter = new InProcessLimiter('openai-llm', 2);
    limited = new LimitedLlm(new OpenAiLlm('test-key', `${emu.url}/v1`, { maxRetries: 0 }), limiter, new ProviderBreakers(), 1000, 300, 300);
  });
  afterEach(async () => {
    await waitFor(() => emu.stats().openai.open === 0, 5000, 'requests released');
    expect((await limiter.stats()).inUse).toBe(0);
    emu.reset();
  });
  afterAll(() => emu.close());

  it('a 429 before the first token is retried once and the caller gets the whole answer once', async () => {
    emu.setFault('openai', { kind: '429', count: 1 });
    const { tokens, error } = await run(limited);
    expect(error).toBeUndefined();
    expect(tokens.join('')).toBe(REPLY);
    expect(emu.stats().openai.totalRequests).toBe(2);
  });

  it('no first token within the deadline: a 408 ProviderError, the request aborted', async () => {
    emu.setFault('openai', { kind: 'stall', count: 1 });
    const { tokens, error } = await run(limited);
    expect(tokens).toEqual([]);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).status).toBe(408);
    expect((error as Error).message).toMatch(/no first token within 300 ms/);
    await waitFor(() => emu.stats().openai.aborted === 1, 5000, 'stalled request aborted');
  });

  it('a stall after words were heard ends with a 408 and is not retried (no words repeated)', async () => {
    emu.setFault('openai', { kind: 'stall', afterBytes: 600, count: 1 });
    const { tokens, error } = await run(limited);
    expect(tokens.length).toBeGreaterThan(0);
    expect((error as Error).message).toMatch(/stream stalled for 300 ms/);
    expect((error as ProviderError).status).toBe(408);
    expect(emu.stats().openai.totalRequests).toBe(1);
  });

  it('a failure after the first token is passed on, not retried', async () => {
    emu.setFault('openai', { kind: 'disconnect', afterBytes: 600, count: 1 });
    const { tokens, error } = await run(limited);
    expect(tokens.length).toBeGreaterThan(0);
    expect(error).toBeInstanceOf(ProviderError);
    expect(emu.stats().openai.totalRequests).toBe(1);
  });

  it('the caller hanging up aborts the stream and frees the slot', async () => {
    emu.setFault('openai', { kind: 'stall', afterBytes: 600, count: 1 });
    const ac = new AbortController();
    const pending = run(limited, ac.signal);
    await waitFor(() => emu.stats().openai.open === 1, 5000, 'request open');
    ac.abort();
    const { error } = await pending;
    expect(isAbortError(error)).toBe(true);
    await waitFor(() => emu.stats().openai.aborted === 1, 5000, 'abort seen by the emulator');
  });
});
