export type TtsProviderName = 'elevenlabs' | 'deepgram';

export interface TtsRequest {
  text: string;
  voiceId: string;
  model: string;
}

/**
 * Text to 8 kHz 16-bit mono PCM (Exotel's format, so no transcoding on the hot path). Yields
 * audio as it arrives; aborting the signal cancels the request.
 */
export interface TtsProvider {
  readonly name: TtsProviderName;
  synthesize(req: TtsRequest, signal: AbortSignal): AsyncIterable<Buffer>;
}

/**
 * Turns a response body into Buffers: a web ReadableStream (real fetch) or an async-iterable
 * Node stream (lean fetch). Leaving the loop early cancels/destroys the body.
 */
export async function* readableToBuffers(stream: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>): AsyncIterable<Buffer> {
  if (Symbol.asyncIterator in stream) {
    for await (const value of stream as AsyncIterable<Uint8Array>) {
      if (value.byteLength > 0) yield Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    }
    return;
  }
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      if (value && value.byteLength > 0) yield Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    }
  } finally {
    reader.cancel().catch(() => undefined);
  }
}
