import { linearToMulaw, mulawToLinear } from '../../services/emulators/src/audio/mulaw';
import { rms } from '../../services/emulators/src/audio/audio-format';
import { SpeechDetector, type SpeechEvent } from '../../services/emulators/src/deepgram-stt/speech-detector';
import { tokenPieces } from '../../services/emulators/src/openai/reply-text';
import { silence, speechLikeAudio } from '../../services/emulators/src';
import { TELEPHONY } from './support';

describe('µ-law codec', () => {
  it('round-trips 16-bit samples within the µ-law quantisation step', () => {
    for (const sample of [0, 1, -1, 100, -100, 1000, -1000, 8000, -8000, 32000, -32000]) {
      const decoded = mulawToLinear(linearToMulaw(sample));
      expect(Math.abs(decoded - sample)).toBeLessThanOrEqual(Math.max(8, Math.abs(sample) * 0.07));
    }
  });

  it('encodes silence as 0xFF like G.711', () => {
    expect(linearToMulaw(0)).toBe(0xff);
    expect(silence({ encoding: 'mulaw', sampleRateHz: 8000, channels: 1 }, 20)[0]).toBe(0xff);
  });
});

describe('speech detector (energy over 20 ms windows, audio time)', () => {
  const detector = (endpointingMs: number | null, utteranceEndMs: number | null): SpeechDetector =>
    new SpeechDetector({ format: TELEPHONY, thresholdRms: 500, endpointingMs, utteranceEndMs, interimIntervalMs: 250 });

  it('hears speech-like audio and not silence, whatever the frame size', () => {
    expect(rms(speechLikeAudio(TELEPHONY, 20), 'linear16')).toBeGreaterThan(2000);
    const d = detector(300, 1000);
    const audio = Buffer.concat([speechLikeAudio(TELEPHONY, 1000), silence(TELEPHONY, 1200)]);
    const events: SpeechEvent[] = [];
    // Odd 37-byte-aligned frame sizes: windows must be assembled across frames.
    for (let offset = 0; offset < audio.length; offset += 74) events.push(...d.push(audio.subarray(offset, offset + 74)));
    expect(events.map((e) => e.type)).toEqual(['speechStarted', 'interim', 'interim', 'interim', 'interim', 'endpoint', 'utteranceEnd']);
    const endpoint = events.find((e) => e.type === 'endpoint');
    expect(endpoint?.utterance).toMatchObject({ startMs: 0, lastSpeechEndMs: 1000, speechMs: 1000 });
    expect(events.find((e) => e.type === 'utteranceEnd')).toMatchObject({ needsFinal: false });
  });

  it('keeps one utterance across a pause shorter than endpointing and finalizes at utterance end when endpointing is off', () => {
    const d = detector(null, 500);
    const events = d.push(Buffer.concat([speechLikeAudio(TELEPHONY, 400), silence(TELEPHONY, 200), speechLikeAudio(TELEPHONY, 400), silence(TELEPHONY, 600)]));
    expect(events.filter((e) => e.type === 'speechStarted')).toHaveLength(1);
    const end = events.find((e) => e.type === 'utteranceEnd');
    expect(end).toMatchObject({ needsFinal: true, utterance: { speechMs: 800, lastSpeechEndMs: 1000 } });
  });
});

describe('token pieces', () => {
  it('splits words and punctuation and joins back to the text', () => {
    const text = 'Sure, I can help. What is your order number?';
    expect(tokenPieces(text)).toEqual(['Sure', ',', ' I', ' can', ' help', '.', ' What', ' is', ' your', ' order', ' number', '?']);
    expect(tokenPieces(text).join('')).toBe(text);
  });
});

describe('speech-like audio', () => {
  it('is synthesised once per format and duration, then shared (it is deterministic)', () => {
    const a = speechLikeAudio(TELEPHONY, 730);
    expect(speechLikeAudio(TELEPHONY, 730)).toBe(a);
    expect(a.length).toBe(Math.round((8000 * 730) / 1000) * 2);
    const quieter = speechLikeAudio(TELEPHONY, 730, 4000);
    expect(quieter).not.toBe(a);
    expect(rms(quieter, 'linear16')).toBeLessThan(rms(a, 'linear16'));
  });
});
