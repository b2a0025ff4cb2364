import { DeepgramClient } from '@deepgram/sdk';
import { ElevenLabsClient, ElevenLabsError } from '@elevenlabs/elevenlabs-js';
import { startEmulators, type RunningEmulators } from '../../services/emulators/src';
import { FAST, waitFor } from './support';

/** Reads a web stream to the end, keeping what arrived in `into` even when it errors. */
async function readAll(stream: ReadableStream<Uint8Array>, into: Buffer[] = []): Promise<Buffer> {
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(into);
    into.push(Buffer.from(value));
  }
}

/** RMS of 16-bit LE samples: proves the audio is not silence (so STT energy detection hears it). */
function rms16(audio: Buffer): number {
  let sum = 0;
  const n = Math.floor(audio.length / 2);
  for (let i = 0; i < n; i += 1) sum += audio.readInt16LE(i * 2) ** 2;
  return Math.sqrt(sum / Math.max(1, n));
}

describe('TTS emulators with the real SDKs', () => {
  let emu: RunningEmulators;
  beforeAll(async () => {
    emu = await startEmulators({ ...FAST, elevenlabs: { ...FAST.elevenlabs, limit: 1 } });
  });
  afterEach(async () => {
    await waitFor(() => emu.stats().elevenlabs.open === 0 && emu.stats().deepgramTts.open === 0, 5000, 'streams released');
    emu.reset();
  });
  afterAll(() => emu.close());

  describe('Deepgram Aura REST (speak.v1.audio.generate)', () => {
    it('returns raw PCM whose length follows the text', async () => {
      const dg = new DeepgramClient({ apiKey: 'test-key', baseUrl: emu.url });
      const speak = async (text: string): Promise<Buffer> => {
        const response = await dg.speak.v1.audio.generate({ text, model: 'aura-2-thalia-en', encoding: 'linear16', sample_rate: 8000, container: 'none' });
        return Buffer.from(await response.arrayBuffer());
      };
      const short = await speak('Hello there.');
      const longText = 'Hello there. Your order is out for delivery and will arrive by this evening.';
      const long = await speak(longText);
      // 60 ms per character at 8 kHz, 16-bit: 960 bytes per character.
      expect(short.length).toBe('Hello there.'.length * 960);
      expect(long.length).toBe(longText.length * 960);
      expect(rms16(long)).toBeGreaterThan(2000);
      expect(emu.stats().deepgramTts).toMatchObject({ totalRequests: 2, maxConcurrent: 1 });
    });

    it('surfaces an injected 429 as a DeepgramError with statusCode 429', async () => {
      const dg = new DeepgramClient({ apiKey: 'test-key', baseUrl: emu.url, maxRetries: 0 });
      emu.setFault('deepgramTts', { kind: '429', count: 1 });
      await expect(dg.speak.v1.audio.generate({ text: 'Hi', encoding: 'linear16', sample_rate: 8000, container: 'none' })).rejects.toMatchObject({
        statusCode: 429,
        body: { err_code: 'TOO_MANY_REQUESTS' },
      });
    });
  });

  describe('ElevenLabs HTTP streaming (textToSpeech.stream)', () => {
    const voiceId = 'voice-123';

    it('streams pcm_8000 whose length follows the text', async () => {
      const el = new ElevenLabsClient({ apiKey: 'test-key', baseUrl: emu.url });
      const stream = await el.textToSpeech.stream(voiceId, { text: 'Good morning!', modelId: 'eleven_flash_v2_5', outputFormat: 'pcm_8000' });
      const audio = await readAll(stream);
      expect(audio.length).toBe('Good morning!'.length * 960);
      expect(rms16(audio)).toBeGreaterThan(2000);
    });

    it('refuses a second concurrent stream over a limit of 1 with 429 too_many_concurrent_requests (ElevenLabsError)', async () => {
      emu.config.elevenlabs.realtimeFactor = 1;
      try {
        const el = new ElevenLabsClient({ apiKey: 'test-key', baseUrl: emu.url, maxRetries: 0 });
        const first = await el.textToSpeech.stream(voiceId, { text: 'A sentence that takes a while to say.', outputFormat: 'pcm_8000' });
        const second = el.textToSpeech.stream(voiceId, { text: 'Another one.', outputFormat: 'pcm_8000' });
        const error: unknown = await second.then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(ElevenLabsError);
        expect(error).toMatchObject({ statusCode: 429, body: { detail: { status: 'too_many_concurrent_requests' } } });
        await first.cancel();
        await waitFor(() => emu.stats().elevenlabs.aborted === 1, 5000, 'abort counted');
        expect(emu.stats().elevenlabs).toMatchObject({ rejected429: 1, maxConcurrent: 1 });
      } finally {
        emu.config.elevenlabs.realtimeFactor = 0;
      }
    });

    it('retries a 429 by default (SDK maxRetries) and succeeds once the fault is used up', async () => {
      const el = new ElevenLabsClient({ apiKey: 'test-key', baseUrl: emu.url, maxRetries: 2 });
      emu.setFault('elevenlabs', { kind: '429', count: 1 });
      const audio = await readAll(await el.textToSpeech.stream(voiceId, { text: 'Retry me.', outputFormat: 'pcm_8000' }));
      expect(audio.length).toBe('Retry me.'.length * 960);
      expect(emu.stats().elevenlabs).toMatchObject({ totalRequests: 2, rejected429: 1, faultsInjected: 1 });
    });

    it('disconnects mid-stream after N bytes: the stream errors after some audio', async () => {
      const el = new ElevenLabsClient({ apiKey: 'test-key', baseUrl: emu.url, maxRetries: 0 });
      // Paced (10x real time) so the response head reaches the client before the cut.
      emu.config.elevenlabs.realtimeFactor = 10;
      emu.setFault('elevenlabs', { kind: 'disconnect', afterBytes: 3200, count: 1 });
      const stream = await el.textToSpeech
        .stream(voiceId, { text: 'This stream will be cut off part way through.', outputFormat: 'pcm_8000' })
        .finally(() => {
          emu.config.elevenlabs.realtimeFactor = 0;
        });
      const received: Buffer[] = [];
      const outcome = await readAll(stream, received).then(
        () => 'completed',
        () => 'errored',
      );
      expect(outcome).toBe('errored');
      const bytes = Buffer.concat(received).length;
      expect(bytes).toBeGreaterThanOrEqual(1600);
      expect(emu.stats().elevenlabs.faultsInjected).toBe(1);
      expect(bytes).toBeLessThan('This stream will be cut off part way through.'.length * 960);
    });

    it('sends an odd-length (malformed) chunk on demand', async () => {
      const el = new ElevenLabsClient({ apiKey: 'test-key', baseUrl: emu.url });
      emu.setFault('elevenlabs', { kind: 'malformed', count: 1 });
      const audio = await readAll(await el.textToSpeech.stream(voiceId, { text: 'Hi.', outputFormat: 'pcm_8000' }));
      expect(audio.length % 2).toBe(1);
    });
  });
});
