import OpenAI from 'openai';
import { startEmulators, type RunningEmulators } from '../../services/emulators/src';
import { FAST, waitFor } from './support';

describe('OpenAI chat completions emulator with openai v6', () => {
  let emu: RunningEmulators;
  let client: OpenAI;
  beforeAll(async () => {
    emu = await startEmulators({
      ...FAST,
      openai: { ...FAST.openai, replies: ['Sure, I can help. What is your order number?', 'Thanks, one moment.'] },
    });
    client = new OpenAI({ apiKey: 'test-key', baseURL: `${emu.url}/v1`, maxRetries: 0 });
  });
  afterEach(async () => {
    await waitFor(() => emu.stats().openai.open === 0, 5000, 'requests released');
    emu.reset();
  });
  afterAll(() => emu.close());

  it('streams the next configured reply as chat.completion.chunk deltas, then a usage chunk', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      stream: true,
      stream_options: { include_usage: true },
      messages: [
        { role: 'system', content: 'You are a phone agent.' },
        { role: 'user', content: 'Hi, I need help with my order. The DTMF digits were 4 5 6 7.' },
      ],
    });
    let text = '';
    let contentChunks = 0;
    let finishReason: string | null = null;
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      expect(chunk.object).toBe('chat.completion.chunk');
      const choice = chunk.choices[0];
      if (choice?.delta.content) {
        text += choice.delta.content;
        contentChunks += 1;
      }
      if (choice?.finish_reason) finishReason = choice.finish_reason;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('Sure, I can help. What is your order number?');
    expect(contentChunks).toBe(12);
    expect(finishReason).toBe('stop');
    expect(usage).toMatchObject({ completion_tokens: 12 });
    expect(usage?.total_tokens).toBe((usage?.prompt_tokens ?? 0) + 12);

    const recorded = emu.openaiRequests();
    expect(recorded).toHaveLength(1);
    expect(JSON.stringify(recorded[0])).toContain('4 5 6 7');
  });

  it('answers a user "bye" with the goodbye and serves non-streaming requests', async () => {
    const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Okay thanks, bye!' }] });
    expect(completion.choices[0]?.message.content).toBe(emu.config.openai.goodbye);
    expect(completion.usage?.completion_tokens).toBeGreaterThan(0);
  });

  it('stops streaming when the client aborts and counts the abort', async () => {
    emu.config.openai.tokensPerSecond = 50;
    try {
      const controller = new AbortController();
      const stream = await client.chat.completions.create(
        { model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'Hello' }] },
        { signal: controller.signal },
      );
      let pieces = 0;
      // openai v6 ends the iteration quietly on abort (no APIUserAbortError from the iterator).
      for await (const chunk of stream) {
        if (chunk.choices[0]?.delta.content) pieces += 1;
        if (pieces === 2) controller.abort();
      }
      expect(pieces).toBe(2);
      await waitFor(() => emu.stats().openai.aborted === 1, 5000, 'abort counted');
      expect(emu.stats().openai.open).toBe(0);
    } finally {
      emu.config.openai.tokensPerSecond = 0;
    }
  });

  it('returns 429 rate_limit_exceeded with retry-after, which the SDK retries up to maxRetries', async () => {
    const retrying = new OpenAI({ apiKey: 'test-key', baseURL: `${emu.url}/v1`, maxRetries: 2 });
    emu.setFault('openai', { kind: '429', count: 2 });
    const completion = await retrying.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] });
    expect(completion.choices[0]?.message.content?.length).toBeGreaterThan(0);
    expect(emu.stats().openai).toMatchObject({ totalRequests: 3, rejected429: 2 });

    emu.setFault('openai', { kind: '429', count: 3 });
    const error: unknown = await retrying.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(error).toMatchObject({ status: 429, code: 'rate_limit_exceeded', type: 'requests' });
    expect(emu.stats().openai.totalRequests).toBe(6);
  });

  it('enforces the concurrency limit with 429 and rejects a wrong key with 401', async () => {
    emu.config.openai.limit = 1;
    emu.config.openai.tokensPerSecond = 50;
    try {
      const first = await client.chat.completions.create({ model: 'm', stream: true, messages: [{ role: 'user', content: 'one' }] });
      await expect(client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'two' }] })).rejects.toBeInstanceOf(OpenAI.RateLimitError);
      first.controller.abort();
    } finally {
      emu.config.openai.limit = 50;
      emu.config.openai.tokensPerSecond = 0;
    }
    emu.config.apiKey = 'right-key';
    try {
      await expect(client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] })).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    } finally {
      emu.config.apiKey = '';
    }
  });

  it('injects 5xx, mid-stream disconnect, stall and a broken SSE line', async () => {
    emu.setFault('openai', { kind: '5xx', status: 500, count: 1 });
    await expect(client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] })).rejects.toBeInstanceOf(OpenAI.InternalServerError);

    const collect = async (via: OpenAI = client): Promise<{ text: string; error: unknown }> => {
      const stream = await via.chat.completions.create({ model: 'm', stream: true, messages: [{ role: 'user', content: 'x' }] });
      let text = '';
      try {
        for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
        return { text, error: undefined };
      } catch (error) {
        return { text, error };
      }
    };

    emu.setFault('openai', { kind: 'malformed', afterBytes: 1, count: 1 });
    const logger = { error: jest.fn(), warn: jest.fn(), info: jest.fn(), debug: jest.fn() };
    const malformed = await collect(new OpenAI({ apiKey: 'test-key', baseURL: `${emu.url}/v1`, maxRetries: 0, logger }));
    // openai v6 logs the unparsable line before throwing.
    expect(logger.error).toHaveBeenCalledWith('Could not parse message into JSON:', expect.stringContaining('chatcmpl-broken'));
    // The SDK's JSON.parse of the broken data line throws out of the iterator.
    expect(malformed.error).toMatchObject({ name: 'SyntaxError' });

    emu.setFault('openai', { kind: 'disconnect', afterBytes: 600, count: 1 });
    const cut = await collect();
    // undici reports the destroyed socket as TypeError('terminated') mid-iteration.
    expect(cut.error).toMatchObject({ message: 'terminated' });
    expect(cut.text.length).toBeGreaterThan(0);

    emu.setFault('openai', { kind: 'stall', count: 1 });
    const stalled = await client.chat.completions.create({ model: 'm', stream: true, messages: [{ role: 'user', content: 'x' }] });
    const iterator = stalled[Symbol.asyncIterator]();
    const first = await Promise.race([iterator.next().then(() => 'chunk'), new Promise((r) => setTimeout(() => r('nothing'), 200))]);
    expect(first).toBe('nothing');
    stalled.controller.abort();
    await waitFor(() => emu.stats().openai.aborted === 1, 5000, 'stalled stream abort counted');
    expect(emu.stats().openai.faultsInjected).toBe(4);
  });
});
