import type { AudioReceiver, SpeechSynthesizer, SynthesisRequest } from '../../pipeline/speech-synthesizer';
import type { TtsProvider, TtsProviderName } from './tts-provider';

/** The plain path: the agent's configured TTS provider, no cache, limits or failover. */
export class ProviderSynthesizer implements SpeechSynthesizer {
  constructor(private readonly providers: Record<TtsProviderName, TtsProvider>) {}

  synthesize(req: SynthesisRequest, signal: AbortSignal, onAudio: AudioReceiver): Promise<void> {
    const provider = this.providers[req.voice.provider];
    const model = req.voice.provider === 'deepgram' ? req.voice.voiceId : req.voice.model;
    return provider.synthesize({ text: req.text, voiceId: req.voice.voiceId, model }, signal, onAudio);
  }
}
