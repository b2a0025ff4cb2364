import type { AgentConfig } from '../agents/agent-config';
import type { TtsProviderName } from '../providers/tts/tts-provider';

/** A voice per provider for failover when the agent names none for the other provider. */
export const DEFAULT_VOICES: Record<TtsProviderName, { voiceId: string; model: string }> = {
  elevenlabs: { voiceId: '21m00Tcm4TlvDq8ikWAM', model: 'eleven_flash_v2_5' },
  deepgram: { voiceId: 'aura-2-thalia-en', model: 'aura-2' },
};

export interface ResolvedVoice {
  provider: TtsProviderName;
  voiceId: string;
  model: string;
}

/** The agent's voice first, then the other provider's. */
export function voicesInOrder(voice: AgentConfig['voice']): ResolvedVoice[] {
  const other: TtsProviderName = voice.provider === 'elevenlabs' ? 'deepgram' : 'elevenlabs';
  return [
    { provider: voice.provider, voiceId: voice.voiceId, model: voice.provider === 'deepgram' ? voice.voiceId : voice.model },
    {
      provider: other,
      voiceId: voice.fallbackVoiceId ?? DEFAULT_VOICES[other].voiceId,
      model: other === 'deepgram' ? (voice.fallbackVoiceId ?? DEFAULT_VOICES.deepgram.voiceId) : DEFAULT_VOICES.elevenlabs.model,
    },
  ];
}
