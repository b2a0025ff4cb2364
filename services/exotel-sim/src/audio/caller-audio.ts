import { FRAME_BYTES, SAMPLE_RATE_HZ } from './pcm-format';

/**
 * The caller's audio, precomputed once per process: the load runner drives hundreds of calls
 * from one process, so a frame must cost a table lookup, not a synthesis or a base64 encode.
 */

const FULL_SCALE = 32767;
/** Speech at roughly -20 dBFS RMS: loud enough for any energy VAD, far from clipping. */
const SPEECH_RMS_DBFS = -20;
/** Comfort noise: a few LSBs, well under -60 dBFS, like a quiet line. */
const COMFORT_NOISE_PEAK = 3;
const SPEECH_SECONDS = 2;
const SILENCE_SECONDS = 1;

/** Voiced speech: a gliding fundamental with decaying harmonics under a ~4 Hz syllable envelope. */
export function synthesizeSpeech(seconds: number = SPEECH_SECONDS): Buffer {
  const samples = Math.round(seconds * SAMPLE_RATE_HZ);
  const raw = new Float64Array(samples);
  let phase = 0;
  for (let i = 0; i < samples; i++) {
    const t = i / SAMPLE_RATE_HZ;
    const f0Hz = 130 + 20 * Math.sin(2 * Math.PI * 0.7 * t);
    phase += (2 * Math.PI * f0Hz) / SAMPLE_RATE_HZ;
    let v = 0;
    for (let h = 1; h <= 6; h++) v += Math.sin(h * phase) / h;
    // Syllables: energy rises and falls but never drops to silence inside an utterance, so an
    // energy VAD does not end the caller's turn between syllables.
    const envelope = 0.45 + 0.55 * Math.abs(Math.sin(Math.PI * 4 * t));
    raw[i] = v * envelope;
  }
  let sumSquares = 0;
  for (const v of raw) sumSquares += v * v;
  const rms = Math.sqrt(sumSquares / samples);
  const gain = (FULL_SCALE * 10 ** (SPEECH_RMS_DBFS / 20)) / rms;
  const pcm = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) {
    const s = Math.max(-FULL_SCALE, Math.min(FULL_SCALE, Math.round((raw[i] ?? 0) * gain)));
    pcm.writeInt16LE(s, i * 2);
  }
  return pcm;
}

/** Deterministic low-level noise (a fixed LCG), so runs are reproducible. */
export function synthesizeComfortNoise(seconds: number = SILENCE_SECONDS): Buffer {
  const samples = Math.round(seconds * SAMPLE_RATE_HZ);
  const pcm = Buffer.alloc(samples * 2);
  let seed = 0x2545f491;
  for (let i = 0; i < samples; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    const s = (seed % (2 * COMFORT_NOISE_PEAK + 1)) - COMFORT_NOISE_PEAK;
    pcm.writeInt16LE(s, i * 2);
  }
  return pcm;
}

/** RMS level of 16-bit LE PCM in dBFS (-Infinity for digital silence). */
export function rmsDbfs(pcm: Buffer): number {
  const samples = Math.floor(pcm.length / 2);
  if (samples === 0) return -Infinity;
  let sumSquares = 0;
  for (let i = 0; i < samples; i++) {
    const s = pcm.readInt16LE(i * 2);
    sumSquares += s * s;
  }
  return 20 * Math.log10(Math.sqrt(sumSquares / samples) / FULL_SCALE);
}

function toFramePayloads(pcm: Buffer): string[] {
  const frames: string[] = [];
  for (let offset = 0; offset + FRAME_BYTES <= pcm.length; offset += FRAME_BYTES) {
    frames.push(pcm.subarray(offset, offset + FRAME_BYTES).toString('base64'));
  }
  return frames;
}

export interface CallerAudio {
  /** Base64 payloads of consecutive 100 ms frames; a call cycles through them. */
  speech: readonly string[];
  silence: readonly string[];
}

let shared: CallerAudio | undefined;

/** The process-wide precomputed frames, built on first use. */
export function callerAudio(): CallerAudio {
  shared ??= { speech: toFramePayloads(synthesizeSpeech()), silence: toFramePayloads(synthesizeComfortNoise()) };
  return shared;
}
