import type { Readable } from 'node:stream';
import { Agent, type Dispatcher, request } from 'undici';

/**
 * The `fetch` we hand to the provider SDKs (openai, @elevenlabs/elevenlabs-js, @deepgram/sdk all
 * take a `fetch` option). It sends the request with undici's `request()` and answers with a small
 * Response whose `body` is undici's Node stream instead of a WHATWG ReadableStream.
 *
 * Why: at 200 calls the heap-sampling profile (objects that outlived a young-generation GC) put
 * Node's built-in fetch and the web streams behind it at 62% of all bytes promoted to the old
 * space. A streamed TTS or LLM answer lives for seconds, so every per-request controller, tee'd
 * request body and stream queue it allocates is copied by the scavenger and then collected by a
 * mark-compact; those 20 ms scavenges were the event-loop stalls that made frames late.
 *
 * The SDKs read only `ok`, `status`, `statusText`, `url`, `headers`, `body` (which they iterate
 * with `for await`, or hand to us) and `text()`/`json()`/`arrayBuffer()` on errors; the tests in
 * test/voice/lean-fetch.test.ts run each SDK through this against our emulators.
 */

/** undici's defaults (300 s) would keep a dead provider socket for minutes; the SDKs set shorter deadlines. */
const DEFAULT_AGENT_OPTIONS: Agent.Options = {
  headersTimeout: 30_000,
  bodyTimeout: 30_000,
  keepAliveTimeout: 10_000,
};

type FetchInput = Parameters<typeof fetch>[0];
type FetchInit = NonNullable<Parameters<typeof fetch>[1]>;

export class LeanResponse {
  readonly ok: boolean;
  readonly redirected = false;
  readonly type = 'basic';
  private used = false;

  constructor(
    readonly status: number,
    readonly statusText: string,
    readonly url: string,
    readonly headers: Headers,
    private readonly stream: Readable,
  ) {
    this.ok = status >= 200 && status < 300;
  }

  /** An async-iterable Node stream of the body bytes; breaking out of the loop destroys it. */
  get body(): Readable {
    this.used = true;
    return this.stream;
  }

  get bodyUsed(): boolean {
    return this.used;
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = await this.bytes();
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }

  async bytes(): Promise<Uint8Array> {
    if (this.used) throw new TypeError('Body has already been consumed');
    this.used = true;
    const chunks: Buffer[] = [];
    for await (const chunk of this.stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  async text(): Promise<string> {
    return Buffer.from(await this.bytes()).toString('utf8');
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text()) as unknown;
  }

  async blob(): Promise<Blob> {
    return new Blob([await this.arrayBuffer()], { type: this.headers.get('content-type') ?? '' });
  }

  clone(): never {
    throw new TypeError('LeanResponse cannot be cloned');
  }
}

function headerRecord(headers: FetchInit['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers === undefined || headers === null) return out;
  if (headers instanceof Headers) {
    headers.forEach((value, key) => {
      out[key] = value;
    });
  } else if (Array.isArray(headers)) {
    for (const [key, value] of headers) if (key !== undefined && value !== undefined) out[key.toLowerCase()] = value;
  } else {
    for (const [key, value] of Object.entries(headers)) if (value !== undefined) out[key.toLowerCase()] = String(value);
  }
  return out;
}

function requestBody(body: FetchInit['body']): string | Uint8Array | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string' || body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (body instanceof URLSearchParams) return body.toString();
  // The SDK calls we make send JSON; multipart or streamed uploads would need real fetch.
  throw new TypeError(`lean fetch: unsupported request body (${Object.prototype.toString.call(body)})`);
}

function responseHeaders(raw: Record<string, string | string[] | undefined>): Headers {
  const headers = new Headers();
  for (const key in raw) {
    const value = raw[key];
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) headers.append(key, v);
    else headers.append(key, value);
  }
  return headers;
}

function urlOf(input: FetchInput): string {
  if (typeof input === 'string') return input;
  if (input instanceof URL) return input.href;
  return input.url;
}

export interface LeanFetchOptions {
  /** Connection pool to use; defaults to one keep-alive Agent per lean fetch. */
  dispatcher?: Dispatcher;
}

/** A `fetch`-compatible function over undici's `request()` (see the module comment for why). */
export function createLeanFetch(opts: LeanFetchOptions = {}): typeof fetch {
  const dispatcher = opts.dispatcher ?? new Agent(DEFAULT_AGENT_OPTIONS);
  const leanFetch = async (input: FetchInput, init: FetchInit = {}): Promise<LeanResponse> => {
    if (typeof input === 'object' && !(input instanceof URL)) {
      throw new TypeError('lean fetch: pass a URL string and init, not a Request');
    }
    const url = urlOf(input);
    const signal = init.signal ?? undefined;
    signal?.throwIfAborted();
    const method = (init.method ?? 'GET').toUpperCase() as Dispatcher.HttpMethod;
    try {
      const res = await request(url, {
        method,
        headers: headerRecord(init.headers),
        body: requestBody(init.body),
        ...(signal ? { signal } : {}),
        dispatcher,
      });
      return new LeanResponse(res.statusCode, '', url, responseHeaders(res.headers), res.body);
    } catch (err) {
      // Keep fetch's contract: an abort rejects with the signal's reason (an AbortError).
      if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new DOMException('This operation was aborted', 'AbortError');
      if (err instanceof TypeError) throw err;
      throw new TypeError('fetch failed', { cause: err });
    }
  };
  // The SDKs type their option as `typeof fetch`; they use only what LeanResponse has (module comment).
  return leanFetch as unknown as typeof fetch;
}

/** One pool shared by every provider client in the process. */
let shared: typeof fetch | undefined;
export function sharedLeanFetch(): typeof fetch {
  shared ??= createLeanFetch();
  return shared;
}
