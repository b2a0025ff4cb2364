import type { AgentConfig } from '../agents/agent-config';

/**
 * Decides whether caller speech during agent playback is an interruption or a backchannel.
 * "ok", "hmm" while the agent talks must not cut it off; two real words, or sustained speech
 * with any real word, do.
 */
export function isBargeIn(
  text: string,
  speechDurationMs: number,
  policy: AgentConfig['bargeIn'],
): boolean {
  if (!policy.enabled) return false;
  const words = text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s'-]/gu, ' ')
    .split(/\s+/)
    .filter(Boolean);
  if (words.length === 0) return false;
  const backchannels = new Set(policy.backchannels.map((w) => w.toLowerCase()));
  const substantive = words.filter((w) => !backchannels.has(w));
  if (substantive.length === 0) return false;
  return words.length >= policy.minWords || speechDurationMs >= policy.minSpeechMs;
}

/** A whole caller utterance made only of backchannel words (ignored while the agent talks). */
export function isBackchannelOnly(text: string, policy: AgentConfig['bargeIn']): boolean {
  const words = text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s'-]/gu, ' ')
    .split(/\s+/)
    .filter(Boolean);
  const backchannels = new Set(policy.backchannels.map((w) => w.toLowerCase()));
  return words.length > 0 && words.every((w) => backchannels.has(w));
}
