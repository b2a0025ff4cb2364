import type { AudioReceiver } from '../../pipeline/speech-synthesizer';

export type TtsProviderName = 'elevenlabs' | 'deepgram';

export interface TtsRequest {
  text: string;
  voiceId: string;
  model: string;
}

/**
 * Text to 8 kHz 16-bit mono PCM (Exotel's format, so no transcoding on the hot path). Pushes
 * audio to `onAudio` as it arrives and settles when the response has ended; aborting the signal
 * cancels the request.
 */
export interface TtsProvider {
  readonly name: TtsProviderName;
  synthesize(req: TtsRequest, signal: AbortSignal, onAudio: AudioReceiver): Promise<void>;
}
