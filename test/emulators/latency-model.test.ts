import { ElevenLabsClient } from '@elevenlabs/elevenlabs-js';
import OpenAI from 'openai';
import { startEmulators, type RunningEmulators } from '../../services/emulators/src';

// Lower bounds only: pacing guarantees a minimum duration; a busy machine can only make it longer.
describe('latency model: time to first token/byte and real-time audio pacing', () => {
  let emu: RunningEmulators;
  beforeAll(async () => {
    emu = await startEmulators({
      openai: { ttftMs: 150, tokensPerSecond: 100, replies: ['One two three four five six seven eight nine ten.'] },
      elevenlabs: { ttfbMs: 50, realtimeFactor: 2, chunkMs: 100, msPerChar: 60 },
    });
  });
  afterAll(() => emu.close());

  it('holds the first content token for ttftMs and then streams at tokensPerSecond', async () => {
    const client = new OpenAI({ apiKey: 'k', baseURL: `${emu.url}/v1`, maxRetries: 0 });
    const startedAt = Date.now();
    const stream = await client.chat.completions.create({ model: 'm', stream: true, messages: [{ role: 'user', content: 'count' }] });
    let firstTokenMs: number | undefined;
    for await (const chunk of stream) {
      if (firstTokenMs === undefined && chunk.choices[0]?.delta.content) firstTokenMs = Date.now() - startedAt;
    }
    const totalMs = Date.now() - startedAt;
    expect(firstTokenMs).toBeGreaterThanOrEqual(140);
    // 11 tokens at 100/s after the first: at least ~100 ms more.
    expect(totalMs - (firstTokenMs ?? 0)).toBeGreaterThanOrEqual(90);
  });

  it('paces ElevenLabs audio at realtimeFactor × real time', async () => {
    const el = new ElevenLabsClient({ apiKey: 'k', baseUrl: emu.url });
    const text = 'Twenty characters!!!';
    const startedAt = Date.now();
    const stream = await el.textToSpeech.stream('v', { text, outputFormat: 'pcm_8000' });
    const reader = stream.getReader();
    let bytes = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.length;
    }
    const elapsedMs = Date.now() - startedAt;
    const audioMs = (bytes / 2 / 8000) * 1000;
    expect(audioMs).toBe(text.length * 60);
    // 12 chunks of 100 ms at 2x: the last leaves ttfb + 11 × 50 ms after the start.
    expect(elapsedMs).toBeGreaterThanOrEqual(50 + 11 * 50 - 10);
  });
});
