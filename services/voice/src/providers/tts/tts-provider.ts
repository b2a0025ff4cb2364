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

/** Turns a web ReadableStream of bytes into Buffers, cancelling it when the consumer stops. */
export async function* readableToBuffers(stream: ReadableStream<Uint8Array>): AsyncIterable<Buffer> {
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
