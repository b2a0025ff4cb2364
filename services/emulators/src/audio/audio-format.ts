import { MULAW_DECODE_TABLE, linearToMulaw } from './mulaw';

export type AudioEncoding = 'linear16' | 'mulaw';

export interface AudioFormat {
  encoding: AudioEncoding;
  sampleRateHz: number;
  channels: number;
}

export function bytesPerSample(encoding: AudioEncoding): number {
  return encoding === 'linear16' ? 2 : 1;
}

/** Bytes of audio for `durationMs` in this format (whole samples). */
export function bytesForDuration(format: AudioFormat, durationMs: number): number {
  const samples = Math.round((format.sampleRateHz * durationMs) / 1000) * format.channels;
  return samples * bytesPerSample(format.encoding);
}

export function durationMsOfBytes(format: AudioFormat, byteLength: number): number {
  const samples = byteLength / bytesPerSample(format.encoding) / format.channels;
  return (samples * 1000) / format.sampleRateHz;
}

/** Sample `index` of `audio` as a signed 16-bit value. */
export function sampleAt(audio: Buffer, encoding: AudioEncoding, index: number): number {
  if (encoding === 'linear16') return audio.readInt16LE(index * 2);
  return MULAW_DECODE_TABLE[audio[index] ?? 0xff] ?? 0;
}

/** Root mean square of the 16-bit sample values in `audio`. */
export function rms(audio: Buffer, encoding: AudioEncoding): number {
  const count = audio.length / bytesPerSample(encoding);
  if (count === 0) return 0;
  let sumSquares = 0;
  for (let i = 0; i < count; i += 1) {
    const s = sampleAt(audio, encoding, i);
    sumSquares += s * s;
  }
  return Math.sqrt(sumSquares / count);
}

/** Encodes 16-bit samples in the wanted encoding. */
export function encodeSamples(samples: Int16Array, encoding: AudioEncoding): Buffer {
  if (encoding === 'linear16') {
    const out = Buffer.alloc(samples.length * 2);
    for (let i = 0; i < samples.length; i += 1) out.writeInt16LE(samples[i] ?? 0, i * 2);
    return out;
  }
  const out = Buffer.alloc(samples.length);
  for (let i = 0; i < samples.length; i += 1) out[i] = linearToMulaw(samples[i] ?? 0);
  return out;
}
