/**
 * Emulator configuration: every knob with its one default. The running emulator keeps the object
 * live, so a mutation (or POST /__emulator/config) applies to the next request or connection.
 */

export interface DeepgramSttConfig {
  /** Open /v1/listen sockets allowed at once; the next upgrade gets 429 (the seed plan's 20). */
  limit: number;
  /** Wall-clock delay between the endpoint being detected in the audio and the final Results. */
  endpointingProcessingMs: number;
  /** RMS (of 16-bit samples) over a 20 ms window above which the window counts as speech. */
  speechRmsThreshold: number;
  /** An utterance with less speech than this and no tag script becomes a backchannel. */
  backchannelMaxMs: number;
  /** Audio time between interim Results while speech continues. */
  interimIntervalMs: number;
  /** Pace at which interims reveal the script line's words. */
  wordsPerSecond: number;
  /** Deepgram closes 1011 NET-0001 when no client frame arrives for this long. */
  idleTimeoutMs: number;
  /** Used when `endpointing` is absent from the query (Deepgram's documented default is 10 ms). */
  defaultEndpointingMs: number;
  /** Lines for utterances of connections without a tag script; cycles. */
  defaultScript: string[];
  /** Short-utterance transcripts; cycle. */
  backchannels: string[];
}

export interface AudioTtsConfig {
  /** Requests in flight allowed at once; the next gets 429. */
  limit: number;
  /** Delay before the first audio byte. */
  ttfbMs: number;
  /** Audio length per character of input text. */
  msPerChar: number;
  /** Audio sent per second of wall time, as a multiple of real time (0 = no pacing). */
  realtimeFactor: number;
  /** Audio duration carried by one chunk. */
  chunkMs: number;
}

export interface OpenAiConfig {
  /** Requests in flight allowed at once; the next gets 429 rate_limit_exceeded. */
  limit: number;
  /** Delay before the first content token. */
  ttftMs: number;
  /** Streaming speed; a token is a word or a punctuation piece. */
  tokensPerSecond: number;
  /** Replies for turns that do not say "bye"; cycle. */
  replies: string[];
  /** Reply when the last user message contains "bye". */
  goodbye: string;
  /** Value of the retry-after header on 429s (seconds; fractions allowed for fast tests). */
  retryAfterS: number;
  /** How many request bodies to keep for openaiRequests(). */
  recordLimit: number;
}

export interface EmulatorConfig {
  /** Required key for every provider; '' accepts any non-empty key. */
  apiKey: string;
  deepgramStt: DeepgramSttConfig;
  deepgramTts: AudioTtsConfig;
  openai: OpenAiConfig;
  elevenlabs: AudioTtsConfig;
}

export type DeepPartial<T> = {
  [K in keyof T]?: T[K] extends readonly unknown[] ? T[K] : T[K] extends object ? DeepPartial<T[K]> : T[K];
};

export function defaultEmulatorConfig(): EmulatorConfig {
  return {
    apiKey: '',
    deepgramStt: {
      limit: 20,
      endpointingProcessingMs: 50,
      speechRmsThreshold: 500,
      backchannelMaxMs: 600,
      interimIntervalMs: 250,
      wordsPerSecond: 3,
      idleTimeoutMs: 10_000,
      defaultEndpointingMs: 10,
      defaultScript: [
        'Hi, I am calling about my order.',
        'It was supposed to arrive yesterday but it has not come yet.',
        'The order number is four five six seven.',
        'Can you tell me when it will be delivered?',
        'Okay, that works for me.',
        'No, that is all. Thank you, bye.',
      ],
      backchannels: ['okay', 'hmm'],
    },
    // Deepgram's pay-as-you-go REST TTS concurrency (providers.md).
    deepgramTts: { limit: 15, ttfbMs: 150, msPerChar: 60, realtimeFactor: 1, chunkMs: 100 },
    openai: {
      limit: 50,
      ttftMs: 250,
      tokensPerSecond: 60,
      replies: [
        'Sure, I can help with that. Could you please tell me your order number?',
        'Thank you. I can see your order here. It is out for delivery and should reach you by this evening.',
        'Is there anything else I can help you with today? I am happy to check another order too.',
      ],
      goodbye: 'Thank you for calling. Have a great day, goodbye!',
      retryAfterS: 1,
      recordLimit: 50,
    },
    // The seed plan's ElevenLabs Creator limit.
    elevenlabs: { limit: 10, ttfbMs: 200, msPerChar: 60, realtimeFactor: 1, chunkMs: 100 },
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Copies defined values of `patch` onto `target` recursively (arrays replace, never merge). */
export function applyConfigPatch<T extends object>(target: T, patch: DeepPartial<T> | undefined): T {
  if (patch === undefined) return target;
  const record = target as Record<string, unknown>;
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    const current = record[key];
    if (isPlainObject(current) && isPlainObject(value)) {
      applyConfigPatch(current, value);
    } else {
      record[key] = Array.isArray(value) ? [...(value as unknown[])] : value;
    }
  }
  return target;
}
