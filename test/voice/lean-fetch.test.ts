import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { createLeanFetch } from '../../services/voice/src/providers/http/lean-fetch';
import { cancellation, isAbortError } from '../../services/voice/src/providers/provider-error';
import { streamBody } from '../../services/voice/src/providers/http/stream-body';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

let server: Server;
let baseUrl: string;
let handler: Handler = (_req, res) => res.end();
const closedRequests: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => handler(req, res, body));
    res.on('close', () => {
      if (!res.writableFinished) closedRequests.push(req.url ?? '');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

const leanFetch = createLeanFetch();

describe('lean fetch', () => {
  it('sends method, headers and a JSON body; exposes status, headers and the body', async () => {
    let seen: { method?: string; auth?: string; body?: string } = {};
    handler = (req, res, body) => {
      seen = { method: req.method, auth: req.headers.authorization, body };
      res.writeHead(201, { 'content-type': 'application/json', 'x-request-id': 'r1' });
      res.end(JSON.stringify({ echo: JSON.parse(body) as unknown }));
    };
    const res = await leanFetch(`${baseUrl}/json`, {
      method: 'post',
      headers: new Headers({ Authorization: 'Bearer k', 'content-type': 'application/json' }),
      body: JSON.stringify({ a: 1 }),
    });
    expect(seen).toEqual({ method: 'POST', auth: 'Bearer k', body: '{"a":1}' });
    expect(res.ok).toBe(true);
    expect(res.status).toBe(201);
    expect(res.headers.get('x-request-id')).toBe('r1');
    expect(await res.json()).toEqual({ echo: { a: 1 } });
    expect(res.bodyUsed).toBe(true);
  });

  it('streams the body: the first chunk arrives before the server has finished', async () => {
    let finish: () => void = () => undefined;
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'audio/pcm' });
      res.write(Buffer.alloc(320, 1));
      finish = () => res.end(Buffer.alloc(320, 2));
    };
    const res = await leanFetch(`${baseUrl}/stream`);
    const chunks: number[] = [];
    for await (const chunk of res.body as unknown as AsyncIterable<Buffer>) {
      chunks.push(chunk[0] as number);
      if (chunks.length === 1) finish();
    }
    expect(chunks).toEqual([1, 2]);
  });

  it('reports an error status with its body readable, like fetch', async () => {
    handler = (_req, res) => {
      res.writeHead(429, { 'content-type': 'application/json' });
      res.end('{"error":"slow down"}');
    };
    const res = await leanFetch(`${baseUrl}/limited`);
    expect(res.ok).toBe(false);
    expect(res.status).toBe(429);
    expect(await res.text()).toBe('{"error":"slow down"}');
    await expect(res.text()).rejects.toThrow(/already been consumed/);
  });

  it('an abort before the response rejects with an AbortError', async () => {
    handler = () => undefined; // never answers
    const ac = new AbortController();
    const pending = leanFetch(`${baseUrl}/hang`, { signal: ac.signal });
    setTimeout(() => ac.abort(), 50);
    const err = await pending.catch((e: unknown) => e);
    expect(isAbortError(err)).toBe(true);
  });

  it('an abort mid-body ends the iteration with an AbortError and closes the request', async () => {
    handler = (_req, res) => {
      res.writeHead(200);
      res.write(Buffer.alloc(100));
    };
    const ac = new AbortController();
    const res = await leanFetch(`${baseUrl}/midbody`, { signal: ac.signal });
    const iterate = (async () => {
      for await (const _ of res.body as unknown as AsyncIterable<Buffer>) ac.abort();
    })();
    const err = await iterate.catch((e: unknown) => e);
    expect(isAbortError(err)).toBe(true);
    await new Promise((r) => setTimeout(r, 50));
    expect(closedRequests).toContain('/midbody');
  });

  it('pushes the body to a receiver; a receiver that throws mid-body ends the read and closes the request', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'audio/pcm' });
      res.write(Buffer.alloc(320, 1));
      setTimeout(() => res.write(Buffer.alloc(320, 2)), 10);
    };
    const res = await leanFetch(`${baseUrl}/receiver-throws`);
    const seen: number[] = [];
    const err = await streamBody(res.body as never, (chunk) => {
      seen.push(chunk[0] as number);
      if (seen.length === 2) throw new Error('odd-length audio');
    }).catch((e: unknown) => e);
    expect((err as Error).message).toBe('odd-length audio');
    expect(seen).toEqual([1, 2]);
    await new Promise((r) => setTimeout(r, 50));
    expect(closedRequests).toContain('/receiver-throws');
  });

  it('keeps the connection for the next request after a body read to its end', async () => {
    const ports = new Set<number>();
    handler = (req, res) => {
      ports.add(req.socket.remotePort ?? 0);
      res.end('ok');
    };
    for (let i = 0; i < 3; i++) {
      expect(await (await leanFetch(`${baseUrl}/again`)).text()).toBe('ok');
      // undici hands the connection back after the body's end has been reported: a request sent
      // in that same turn would open a second one.
      await new Promise((r) => setImmediate(r));
    }
    expect(ports.size).toBe(1);
  });

  it('a cancellation we chose (barge-in) reaches the reader as that reason: an AbortError without a stack', async () => {
    handler = (_req, res) => {
      res.writeHead(200);
      res.write(Buffer.alloc(100));
    };
    const limit = Error.stackTraceLimit;
    const ac = new AbortController();
    const res = await leanFetch(`${baseUrl}/barge-in`, { signal: ac.signal });
    const err = await streamBody(res.body as never, () => ac.abort(cancellation('barge-in'))).catch((e: unknown) => e);
    expect(isAbortError(err)).toBe(true);
    expect((err as Error).message).toBe('barge-in');
    expect((err as Error).stack?.split('\n')).toHaveLength(1);
    expect(Error.stackTraceLimit).toBe(limit);
    await new Promise((r) => setTimeout(r, 50));
    expect(closedRequests).toContain('/barge-in');
  });

  it("cancelling a streamed request captures no stack for undici's own abort error, whose stack Node formats", async () => {
    handler = (_req, res) => {
      res.writeHead(200);
      res.write(Buffer.alloc(100));
    };
    // Node's stream destroy reads `stack` of the error undici destroys the socket with: record
    // each formatting, by error name, with how many frames it had to format.
    const formatted: Array<{ name: string; frames: number }> = [];
    const previous = Error.prepareStackTrace;
    Error.prepareStackTrace = (err, frames) => {
      formatted.push({ name: err.name, frames: frames.length });
      return previous ? previous(err, frames) : `${err.name}: ${err.message}`;
    };
    try {
      const ac = new AbortController();
      const res = await leanFetch(`${baseUrl}/quiet-abort`, { signal: ac.signal });
      const err = await streamBody(res.body as never, () => ac.abort(cancellation('hang-up'))).catch((e: unknown) => e);
      expect(isAbortError(err)).toBe(true);
      await new Promise((r) => setTimeout(r, 50));
      expect(closedRequests).toContain('/quiet-abort');
    } finally {
      Error.prepareStackTrace = previous;
    }
    const undiciErrors = formatted.filter((f) => f.name === 'InformationalError');
    expect(undiciErrors.length).toBeGreaterThan(0);
    expect(undiciErrors.every((f) => f.frames === 0)).toBe(true);
    expect(Error.stackTraceLimit).toBeGreaterThan(0);
  });

  it('a refused connection rejects with a TypeError, as fetch does', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const err = await leanFetch(`http://127.0.0.1:${port}/`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TypeError);
    expect((err as Error).message).toBe('fetch failed');
  });

  it('refuses request bodies it cannot send with a clear error', async () => {
    const form = new FormData();
    form.append('a', 'b');
    await expect(leanFetch(`${baseUrl}/form`, { method: 'POST', body: form })).rejects.toThrow(/unsupported request body/);
  });

  it('carries the openai SDK: a streamed chat completion arrives token by token', async () => {
    handler = (req, res, body) => {
      expect(req.url).toBe('/v1/chat/completions');
      expect((JSON.parse(body) as { stream: boolean }).stream).toBe(true);
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (const t of ['Hel', 'lo', '!']) {
        res.write(`data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 0, model: 'm', choices: [{ index: 0, delta: { content: t }, finish_reason: null }] })}\n\n`);
      }
      res.end('data: [DONE]\n\n');
    };
    const client = new OpenAI({ apiKey: 'k', baseURL: `${baseUrl}/v1`, fetch: leanFetch, maxRetries: 0 });
    const stream = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true });
    const tokens: string[] = [];
    for await (const chunk of stream) tokens.push(chunk.choices[0]?.delta?.content ?? '');
    expect(tokens.join('')).toBe('Hello!');
  });

  it('carries the openai SDK errors: a 500 becomes an APIError with the status', async () => {
    handler = (_req, res) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{"error":{"message":"boom"}}');
    };
    const client = new OpenAI({ apiKey: 'k', baseURL: `${baseUrl}/v1`, fetch: leanFetch, maxRetries: 0 });
    const err = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(500);
  });
});
