// The text-to-speech client alone, not ElevenLabsClient: the root client loads every API's client
// (and through them every schema) for the one endpoint we call. `client.textToSpeech` is exactly
// `new TextToSpeechClient(options)`; the bundle also makes the SDK's barrels lazy (scripts/lazy-barrels.ts).
import { TextToSpeechClient } from '@elevenlabs/elevenlabs-js/api/resources/textToSpeech/client/Client';
import type { AudioReceiver } from '../../pipeline/speech-synthesizer';
import { sharedFernFetcher } from '../http/fern-fetcher';
import { ProviderError, isAbortError, statusOf } from '../provider-error';
import { streamBody } from '../http/stream-body';
import type { TtsProvider, TtsRequest } from './tts-provider';

/**
 * ElevenLabs HTTP streaming TTS in `pcm_8000` (16-bit LE mono 8 kHz = Exotel's format).
 * Uses @elevenlabs/elevenlabs-js, the maintained successor of the deprecated `elevenlabs` package.
 */
export class ElevenLabsTts implements TtsProvider {
  readonly name = 'elevenlabs' as const;
  private readonly client: TextToSpeechClient;

  constructor(apiKey: string, baseUrl?: string) {
    this.client = new TextToSpeechClient({ apiKey, ...(baseUrl ? { baseUrl } : {}), maxRetries: 0, timeoutInSeconds: 10, fetcher: sharedFernFetcher() });
  }

  async synthesize(req: TtsRequest, signal: AbortSignal, onAudio: AudioReceiver): Promise<void> {
    let body: Parameters<typeof streamBody>[0];
    try {
      body = await this.client.stream(
        req.voiceId,
        { text: req.text, modelId: req.model, outputFormat: 'pcm_8000', optimizeStreamingLatency: 3 },
        { abortSignal: signal, maxRetries: 0 },
      );
    } catch (err) {
      if (isAbortError(err) || signal.aborted) throw err;
      throw new ProviderError('elevenlabs', (err as Error).message.slice(0, 200), statusOf(err), { cause: err });
    }
    try {
      await streamBody(body, onAudio);
    } catch (err) {
      if (isAbortError(err) || signal.aborted) throw err;
      throw new ProviderError('elevenlabs', `stream failed: ${(err as Error).message}`, undefined, { cause: err });
    }
  }
}
