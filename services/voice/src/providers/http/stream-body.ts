import { finished } from 'node:stream';
import { PushBody } from './push-body';

/** Takes each chunk of a response body as it arrives; throwing ends the body with that error. */
export type ChunkReceiver = (chunk: Buffer) => void;

/** A response body as the provider SDKs hand it over: our lean fetch's PushBody, a Node stream, or a platform fetch's web stream. */
export type ResponseBody = PushBody | ReadableStream<Uint8Array> | NodeBody;

export type NodeBody = NodeJS.ReadableStream & { destroy(err?: Error): void; destroyed?: boolean };

function isNodeStream(body: unknown): body is NodeBody {
  return typeof (body as { on?: unknown }).on === 'function' && typeof (body as { pipe?: unknown }).pipe === 'function';
}

function asBuffer(value: Uint8Array): Buffer {
  return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

/**
 * Pushes a response body's bytes to `onChunk`: our lean fetch's PushBody straight from the HTTP
 * parser; a Node stream through 'data' events, with no promise per chunk; a web ReadableStream
 * (a platform fetch) through its reader.
 * Resolves at the end of the body, rejects with the body's error (an abort included). A receiver
 * that throws ends the body with that error.
 */
export function streamBody(body: ResponseBody, onChunk: ChunkReceiver): Promise<void> {
  if (body instanceof PushBody) return body.pipe(onChunk);
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

async function readWebStream(stream: ReadableStream<Uint8Array>, onChunk: ChunkReceiver): Promise<void> {
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
