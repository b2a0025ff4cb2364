import { speechLikeAudio, silence, type AudioFormat, type DeepPartial, type EmulatorConfig } from '../../services/emulators/src';

/** Emulator timings small enough for fast tests (pacing off, tiny delays). */
export const FAST: DeepPartial<EmulatorConfig> = {
  deepgramStt: { endpointingProcessingMs: 5 },
  deepgramTts: { ttfbMs: 5, realtimeFactor: 0, chunkMs: 100 },
  openai: { ttftMs: 5, tokensPerSecond: 0, retryAfterS: 0.01 },
  elevenlabs: { ttfbMs: 5, realtimeFactor: 0, chunkMs: 100 },
};

export const TELEPHONY: AudioFormat = { encoding: 'linear16', sampleRateHz: 8000, channels: 1 };

/** `speechMs` of speech-like audio then `silenceMs` of silence, cut into 100 ms frames. */
export function utteranceFrames(format: AudioFormat, speechMs: number, silenceMs: number): Buffer[] {
  const audio = Buffer.concat([speechLikeAudio(format, speechMs), silence(format, silenceMs)]);
  const frameBytes = (audio.length * 100) / (speechMs + silenceMs);
  const frames: Buffer[] = [];
  for (let offset = 0; offset < audio.length; offset += frameBytes) frames.push(audio.subarray(offset, offset + frameBytes));
  return frames;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `predicate` until true (or throws after `timeoutMs`). */
export async function waitFor(predicate: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

/** A message as the test reads it: only the fields it asserts on. */
export interface DgMessage {
  type?: string;
  is_final?: boolean;
  speech_final?: boolean;
  from_finalize?: boolean;
  start?: number;
  duration?: number;
  last_word_end?: number;
  timestamp?: number;
  channel?: { alternatives?: Array<{ transcript: string; words: Array<{ word: string; start: number; end: number }> }> };
}

export function transcriptOf(message: DgMessage): string {
  return message.channel?.alternatives?.[0]?.transcript ?? '';
}
