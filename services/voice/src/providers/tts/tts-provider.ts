import { finished } from 'node:stream';
import type { AudioReceiver } from '../../pipeline/speech-synthesizer';

export type TtsProviderName = 'elevenlabs' | 'deepgram';

export interface TtsRequest {
  text: string;
  voiceId: string;
  model: string;
}

/**
 * Text to 8 kHz 16-bit mono PCM (Exotel's format, so no transcoding on the hot path). Pushes
 * audio to `onAudio` as it arrives and settles when the response has ended; aborting the signal
 * cancels the request.
 */
export interface TtsProvider {
  readonly name: TtsProviderName;
  synthesize(req: TtsRequest, signal: AbortSignal, onAudio: AudioReceiver): Promise<void>;
}

type NodeBody = NodeJS.ReadableStream & { destroy(err?: Error): void; destroyed?: boolean };

function isNodeStream(body: unknown): body is NodeBody {
  return typeof (body as { on?: unknown }).on === 'function' && typeof (body as { pipe?: unknown }).pipe === 'function';
}

function asBuffer(value: Uint8Array): Buffer {
  return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

/**
 * Pushes a response body's bytes to `onChunk`: a Node stream (our lean fetch) through 'data'
 * events, with no promise per chunk; a web ReadableStream (a platform fetch) through its reader.
 * Resolves at the end of the body, rejects with the body's error (an abort included). A receiver
 * that throws ends the body with that error.
 */
export function streamBody(body: ReadableStream<Uint8Array> | NodeBody, onChunk: AudioReceiver): Promise<void> {
  if (isNodeStream(body)) {
    return new Promise<void>((resolve, reject) => {
      const onData = (value: Uint8Array): void => {
        if (value.byteLength === 0) return;
        try {
          onChunk(asBuffer(value));
        } catch (err) {
          body.destroy(err as Error);
        }
      };
      // finished() also reports a body destroyed before its end (premature close), or already gone.
      const cleanup = finished(body, (err) => {
        body.removeListener('data', onData);
        cleanup();
        if (err) reject(err);
        else resolve();
      });
      body.on('data', onData);
    });
  }
  return readWebStream(body, onChunk);
}

async function readWebStream(stream: ReadableStream<Uint8Array>, onChunk: AudioReceiver): Promise<void> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      if (value && value.byteLength > 0) onChunk(asBuffer(value));
    }
  } finally {
    reader.cancel().catch(() => undefined);
  }
}
