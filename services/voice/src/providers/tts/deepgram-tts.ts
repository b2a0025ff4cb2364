import { DeepgramClient } from '@deepgram/sdk';
import type { AudioReceiver } from '../../pipeline/speech-synthesizer';
import { sharedFernFetcher } from '../http/fern-fetcher';
import { ProviderError, isAbortError, statusOf } from '../provider-error';
import { streamBody } from '../http/stream-body';
import type { TtsProvider, TtsRequest } from './tts-provider';

/** Deepgram Aura over REST: linear16, 8 kHz, no container → raw PCM in Exotel's format. */
export class DeepgramTts implements TtsProvider {
  readonly name = 'deepgram' as const;
  private readonly client: DeepgramClient;

  constructor(apiKey: string, baseUrl?: string) {
    this.client = new DeepgramClient({ apiKey, ...(baseUrl ? { baseUrl } : {}), maxRetries: 0, timeoutInSeconds: 10, fetcher: sharedFernFetcher() });
  }

  async synthesize(req: TtsRequest, signal: AbortSignal, onAudio: AudioReceiver): Promise<void> {
    let body: ReadableStream<Uint8Array> | null;
    try {
      const res = await this.client.speak.v1.audio.generate(
        { text: req.text, model: req.voiceId, encoding: 'linear16', sample_rate: 8000, container: 'none' },
        { abortSignal: signal, maxRetries: 0 },
      );
      body = res.stream();
    } catch (err) {
      if (isAbortError(err) || signal.aborted) throw err;
      throw new ProviderError('deepgram-tts', (err as Error).message.slice(0, 200), statusOf(err), { cause: err });
    }
    if (!body) throw new ProviderError('deepgram-tts', 'empty response body');
    try {
      await streamBody(body, onAudio);
    } catch (err) {
      if (isAbortError(err) || signal.aborted) throw err;
      throw new ProviderError('deepgram-tts', `stream failed: ${(err as Error).message}`, undefined, { cause: err });
    }
  }
}
