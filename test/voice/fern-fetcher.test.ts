import { getEventListeners } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ElevenLabsClient, ElevenLabsError, ElevenLabsTimeoutError } from '@elevenlabs/elevenlabs-js';
import { createFernFetcher } from '../../services/voice/src/providers/http/fern-fetcher';
import { isAbortError } from '../../services/voice/src/providers/provider-error';
import { streamBody } from '../../services/voice/src/providers/http/stream-body';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

let server: Server;
let baseUrl: string;
let handler: Handler = (_req, res) => res.end();

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => handler(req, res, body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

const client = (timeoutInSeconds = 5) =>
  new ElevenLabsClient({ apiKey: 'xi-key', baseUrl, maxRetries: 0, timeoutInSeconds, fetcher: createFernFetcher() });

async function collect(body: Parameters<typeof streamBody>[0]): Promise<Buffer> {
  const out: Buffer[] = [];
  await streamBody(body, (b) => out.push(b));
  return Buffer.concat(out);
}

describe('Fern fetcher under the ElevenLabs SDK', () => {
  it('sends what the SDK built (path, query, key, JSON body) and streams the audio back', async () => {
    let seen: { url?: string; key?: string; type?: string; body?: unknown } = {};
    handler = (req, res, body) => {
      seen = { url: req.url, key: req.headers['xi-api-key'] as string, type: req.headers['content-type'], body: JSON.parse(body) as unknown };
      res.writeHead(200, { 'content-type': 'audio/pcm' });
      res.write(Buffer.alloc(320, 7));
      setTimeout(() => res.end(Buffer.alloc(320, 8)), 20);
    };
    const body = await client().textToSpeech.stream('voice-1', { text: 'Hello there.', modelId: 'eleven_flash_v2_5', outputFormat: 'pcm_8000' });
    const audio = await collect(body);
    expect(audio.length).toBe(640);
    expect([audio[0], audio[639]]).toEqual([7, 8]);
    expect(seen.url).toBe('/v1/text-to-speech/voice-1/stream?output_format=pcm_8000');
    expect(seen.key).toBe('xi-key');
    expect(seen.type).toBe('application/json');
    expect(seen.body).toEqual({ text: 'Hello there.', model_id: 'eleven_flash_v2_5' });
  });

  it('maps an error status to the SDK error with its status and body', async () => {
    handler = (_req, res) => {
      res.writeHead(503, { 'content-type': 'application/json' });
      res.end('{"detail":"overloaded"}');
    };
    const err = await client().textToSpeech.stream('v', { text: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ElevenLabsError);
    expect((err as ElevenLabsError).statusCode).toBe(503);
    expect((err as ElevenLabsError).body).toEqual({ detail: 'overloaded' });
  });

  it('times out while waiting for the headers, as the SDK promises', async () => {
    handler = () => undefined; // never answers
    const err = await client(0.2).textToSpeech.stream('v', { text: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ElevenLabsTimeoutError);
  });

  it('does not cut a streamed body that outlasts the timeout', async () => {
    handler = (_req, res) => {
      res.writeHead(200);
      res.write(Buffer.alloc(320, 1));
      setTimeout(() => res.end(Buffer.alloc(320, 2)), 400);
    };
    const body = await client(0.2).textToSpeech.stream('v', { text: 'x' });
    expect((await collect(body)).length).toBe(640);
  });

  it("the caller's abort ends the request; its listener is removed once the body is done", async () => {
    handler = (_req, res) => {
      res.writeHead(200);
      res.write(Buffer.alloc(320, 1));
    };
    const ac = new AbortController();
    const body = await client().textToSpeech.stream('v', { text: 'x' }, { abortSignal: ac.signal });
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(1);
    const err = await streamBody(body, () => ac.abort()).catch((e: unknown) => e);
    expect(isAbortError(err)).toBe(true);
    await new Promise((r) => setImmediate(r));
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(0);

    const done = new AbortController();
    handler = (_req, res) => res.end(Buffer.alloc(320));
    await collect(await client().textToSpeech.stream('v', { text: 'x' }, { abortSignal: done.signal }));
    await new Promise((r) => setImmediate(r));
    expect(getEventListeners(done.signal, 'abort')).toHaveLength(0);
  });

  it('an abort before the answer surfaces as an abort', async () => {
    handler = () => undefined;
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    const err = await client().textToSpeech.stream('v', { text: 'x' }, { abortSignal: ac.signal }).catch((e: unknown) => e);
    expect(isAbortError(err)).toBe(true);
  });

  it('resolves header suppliers (functions and promises) as Fern does, and sends plain values as they are', async () => {
    let seen: Record<string, unknown> = {};
    handler = (req, res) => {
      seen = { plain: req.headers['x-plain'], fn: req.headers['x-fn'], promised: req.headers['x-promised'], n: req.headers['x-n'], none: req.headers['x-none'] };
      res.end('{}');
    };
    const res = await createFernFetcher()({
      url: `${baseUrl}/headers`,
      method: 'GET',
      headers: { 'x-plain': 'a', 'x-fn': () => 'b', 'x-promised': Promise.resolve('c'), 'x-n': 7, 'x-none': undefined },
      responseType: 'json',
    });
    expect(res.ok).toBe(true);
    expect(seen).toEqual({ plain: 'a', fn: 'b', promised: 'c', n: '7', none: undefined });
  });
});
