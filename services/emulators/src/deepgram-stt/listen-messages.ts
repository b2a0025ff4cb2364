/** Deepgram /v1/listen server messages, shaped as the API sends them. */

export interface ResultWord {
  word: string;
  start: number;
  end: number;
  confidence: number;
  punctuated_word: string;
}

export interface ResultsMessage {
  type: 'Results';
  channel_index: [number, number];
  duration: number;
  start: number;
  is_final: boolean;
  speech_final: boolean;
  from_finalize: boolean;
  channel: { alternatives: Array<{ transcript: string; confidence: number; words: ResultWord[] }> };
  metadata: { request_id: string; model_info: { name: string; version: string; arch: string }; model_uuid: string };
}

export interface ResultsInput {
  requestId: string;
  model: string;
  /** The words to show, punctuated as in the script. */
  punctuatedWords: readonly string[];
  punctuate: boolean;
  startMs: number;
  endMs: number;
  isFinal: boolean;
  speechFinal: boolean;
  fromFinalize: boolean;
}

const MODEL_UUID = '00000000-0000-4000-8000-000000000001';

const seconds = (ms: number): number => Math.round(ms) / 1000;

/** Lower-case word without punctuation, as Deepgram's `word` field. */
function bareWord(punctuated: string): string {
  return punctuated.toLowerCase().replace(/[^\p{L}\p{N}']/gu, '');
}

export function resultsMessage(input: ResultsInput): ResultsMessage {
  const count = input.punctuatedWords.length;
  const spanMs = Math.max(0, input.endMs - input.startMs);
  const words: ResultWord[] = input.punctuatedWords.map((punctuated, i) => ({
    word: bareWord(punctuated),
    start: seconds(input.startMs + (spanMs * i) / count),
    end: seconds(input.startMs + (spanMs * (i + 1)) / count),
    confidence: 0.98,
    punctuated_word: input.punctuate ? punctuated : bareWord(punctuated),
  }));
  const transcript = words.map((w) => w.punctuated_word).join(' ');
  return {
    type: 'Results',
    channel_index: [0, 1],
    duration: seconds(spanMs),
    start: seconds(input.startMs),
    is_final: input.isFinal,
    speech_final: input.speechFinal,
    from_finalize: input.fromFinalize,
    channel: { alternatives: [{ transcript, confidence: count === 0 ? 0 : 0.98, words }] },
    metadata: {
      request_id: input.requestId,
      model_info: { name: input.model, version: 'emulator', arch: input.model },
      model_uuid: MODEL_UUID,
    },
  };
}

export function speechStartedMessage(atMs: number): { type: 'SpeechStarted'; channel: [number]; timestamp: number } {
  return { type: 'SpeechStarted', channel: [0], timestamp: seconds(atMs) };
}

export function utteranceEndMessage(lastWordEndMs: number): { type: 'UtteranceEnd'; channel: [number, number]; last_word_end: number } {
  return { type: 'UtteranceEnd', channel: [0, 1], last_word_end: seconds(lastWordEndMs) };
}

export function metadataMessage(input: { requestId: string; audioMs: number; channels: number; model: string }): Record<string, unknown> {
  return {
    type: 'Metadata',
    transaction_key: 'deprecated',
    request_id: input.requestId,
    sha256: '0'.repeat(64),
    created: new Date().toISOString(),
    duration: seconds(input.audioMs),
    channels: input.channels,
    models: [MODEL_UUID],
    model_info: { [MODEL_UUID]: { name: input.model, version: 'emulator', arch: input.model } },
  };
}
