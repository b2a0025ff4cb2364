import { type AudioFormat, encodeSamples } from './audio-format';

/**
 * Speech-like audio: a 140 Hz voice with harmonics, amplitude-modulated at a syllable rate (4 Hz)
 * but never below 60 % so every 20 ms window stays well above the STT emulator's speech
 * threshold. Deterministic, so tests and benchmarks are repeatable.
 */
export function speechLikeAudio(format: AudioFormat, durationMs: number, peak = 8000): Buffer {
  // Deterministic, and the same few texts are spoken over and over under load: synthesising them
  // again was a fifth of the emulators' CPU at 200 calls, time the benchmark's callers then wait on.
  const key = `${format.encoding}/${format.sampleRateHz}/${format.channels}/${durationMs}/${peak}`;
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  const audio = synthesize(format, durationMs, peak);
  if (cache.size >= CACHE_ENTRIES) cache.delete(cache.keys().next().value as string);
  cache.set(key, audio);
  return audio;
}

/** Callers only read (slice and send) the audio, so one Buffer per key can be shared. */
const cache = new Map<string, Buffer>();
const CACHE_ENTRIES = 128;

function synthesize(format: AudioFormat, durationMs: number, peak: number): Buffer {
  const frames = Math.round((format.sampleRateHz * durationMs) / 1000);
  const samples = new Int16Array(frames * format.channels);
  for (let i = 0; i < frames; i += 1) {
    const t = i / format.sampleRateHz;
    const envelope = 0.8 + 0.2 * Math.sin(2 * Math.PI * 4 * t);
    const voice =
      0.6 * Math.sin(2 * Math.PI * 140 * t) + 0.3 * Math.sin(2 * Math.PI * 280 * t) + 0.1 * Math.sin(2 * Math.PI * 420 * t);
    const value = Math.round(peak * envelope * voice);
    for (let c = 0; c < format.channels; c += 1) samples[i * format.channels + c] = value;
  }
  return encodeSamples(samples, format.encoding);
}

/** Digital silence in the given format (µ-law silence is 0xFF, not 0). */
export function silence(format: AudioFormat, durationMs: number): Buffer {
  const frames = Math.round((format.sampleRateHz * durationMs) / 1000);
  return encodeSamples(new Int16Array(frames * format.channels), format.encoding);
}
