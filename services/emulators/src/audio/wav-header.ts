import type { AudioFormat } from './audio-format';

/** RIFF/WAVE header for `dataBytes` of PCM (format 1) or µ-law (format 7) audio. */
export function wavHeader(format: AudioFormat, dataBytes: number): Buffer {
  const bytesPerSample = format.encoding === 'linear16' ? 2 : 1;
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + dataBytes, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(format.encoding === 'linear16' ? 1 : 7, 20);
  header.writeUInt16LE(format.channels, 22);
  header.writeUInt32LE(format.sampleRateHz, 24);
  header.writeUInt32LE(format.sampleRateHz * format.channels * bytesPerSample, 28);
  header.writeUInt16LE(format.channels * bytesPerSample, 32);
  header.writeUInt16LE(bytesPerSample * 8, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(dataBytes, 40);
  return header;
}
