import type { IncomingHttpHeaders } from 'node:http';
import { Agent, type Dispatcher } from 'undici';
import { unpooledUtf8 } from '../../memory/unpooled-buffer';
import { withoutStackTraces } from '../provider-error';
import { PushBody, type BodySource } from './push-body';

/**
 * The `fetch` we hand to the provider SDKs (openai, @elevenlabs/elevenlabs-js, @deepgram/sdk all
 * take a `fetch` option). It drives undici's dispatcher with its own handler and answers with a
 * small Response whose `body` is a PushBody (push-body.ts: chunks go from the HTTP parser straight
 * to the reader) instead of a WHATWG ReadableStream.
 *
 * Why: at 200 calls the heap-sampling profile (objects that outlived a young-generation GC) put
 * Node's built-in fetch and the web streams behind it at 62% of all bytes promoted to the old
 * space. A streamed TTS or LLM answer lives for seconds, so every per-request controller, tee'd
 * request body and stream queue it allocates is copied by the scavenger and then collected by a
 * mark-compact; those 20 ms scavenges were the event-loop stalls that made frames late.
 *
 * The SDKs read only `ok`, `status`, `statusText`, `url`, `headers`, `body` (which they iterate
 * with `for await`, or hand to us: stream-body.ts reads it) and `text()`/`json()`/`arrayBuffer()` on errors; the tests in
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
  private headerObject: Headers | undefined;

  constructor(
    readonly status: number,
    readonly statusText: string,
    readonly url: string,
    private readonly rawHeaders: IncomingHttpHeaders,
    private readonly stream: PushBody,
  ) {
    this.ok = status >= 200 && status < 300;
  }

  /** Built when first read: most streamed answers are only ever asked their status. */
  get headers(): Headers {
    this.headerObject ??= responseHeaders(this.rawHeaders);
    return this.headerObject;
  }

  /** The body's bytes as they arrive: push them with stream-body.ts, or iterate with `for await`. */
  get body(): PushBody {
    return this.stream;
  }

  get bodyUsed(): boolean {
    return this.stream.used;
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = await this.bytes();
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }

  async bytes(): Promise<Uint8Array> {
    const chunks: Buffer[] = [];
    await this.stream.pipe((chunk) => chunks.push(chunk));
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
  // undici would copy a string into a slice of the shared pool, held while the response streams.
  if (typeof body === 'string') return unpooledUtf8(body);
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (body instanceof URLSearchParams) return body.toString();
  // The SDK calls we make send JSON; multipart or streamed uploads would need real fetch.
  throw new TypeError(`lean fetch: unsupported request body (${Object.prototype.toString.call(body)})`);
}

function responseHeaders(raw: IncomingHttpHeaders): Headers {
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

/**
 * Cancels the request underneath. undici answers by destroying the connection with an error of
 * its own (`InformationalError: aborted`), whose stack Node's stream `destroy` reads: at 200
 * stress calls, formatting those stacks through the source map was 0.8% of the voice thread
 * (perf, 2026-12-06). A barge-in or hang-up is routine and that error is never logged.
 */
function cancelQuietly(controller: Dispatcher.DispatchController, reason: Error): void {
  withoutStackTraces(() => controller.abort(reason));
}

/** The body's view of the request: reading it, pausing it, cancelling it (quietly). */
function bodySource(controller: Dispatcher.DispatchController): BodySource {
  return {
    pause: () => controller.pause(),
    resume: () => controller.resume(),
    abort: (reason) => cancelQuietly(controller, reason),
  };
}

/** fetch rejects with the signal's reason itself (an Error or DOMException, from any realm). */
function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return typeof reason === 'object' && reason !== null ? (reason as Error) : new DOMException('This operation was aborted', 'AbortError');
}

/**
 * One request's undici handler: resolves with the response at its headers, then feeds the body.
 * The caller's signal cancels it at any point; an abort rejects with the signal's reason (an
 * AbortError), as fetch does, and any other failure with fetch's `TypeError('fetch failed')`.
 */
class LeanRequest implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | undefined;
  private body: PushBody | undefined;
  private pendingAbort: Error | undefined;
  private settled = false;
  private readonly onAbort: (() => void) | undefined;

  constructor(
    private readonly url: string,
    private readonly signal: AbortSignal | undefined,
    private readonly resolve: (res: LeanResponse) => void,
    private readonly reject: (err: Error) => void,
  ) {
    if (signal) {
      this.onAbort = () => this.abort(abortReason(signal));
      signal.addEventListener('abort', this.onAbort, { once: true });
    }
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.pendingAbort) cancelQuietly(controller, this.pendingAbort);
  }

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders, statusMessage?: string): void {
    this.body = new PushBody(bodySource(controller));
    this.settled = true;
    this.resolve(new LeanResponse(statusCode, statusMessage ?? '', this.url, headers, this.body));
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.body?.data(chunk);
  }

  onResponseEnd(): void {
    this.detach();
    this.body?.end();
  }

  onResponseError(_controller: Dispatcher.DispatchController, err: Error): void {
    this.detach();
    const aborted = this.signal?.aborted === true;
    const reason = aborted ? abortReason(this.signal!) : err;
    if (this.body) {
      this.body.fail(reason);
    } else if (!this.settled) {
      this.settled = true;
      this.reject(aborted || err instanceof TypeError ? reason : new TypeError('fetch failed', { cause: err }));
    }
  }

  private abort(reason: Error): void {
    if (this.controller) cancelQuietly(this.controller, reason);
    else this.pendingAbort = reason; // not on a connection yet: onRequestStart aborts it
    if (!this.settled) {
      // A request still queued for a connection may not hear the abort until it gets one.
      this.settled = true;
      this.reject(reason);
    }
  }

  private detach(): void {
    if (this.onAbort) this.signal?.removeEventListener('abort', this.onAbort);
  }
}

/** A `fetch`-compatible function over undici's dispatcher (see the module comment for why). */
export function createLeanFetch(opts: LeanFetchOptions = {}): typeof fetch {
  const dispatcher = opts.dispatcher ?? new Agent(DEFAULT_AGENT_OPTIONS);
  const leanFetch = (input: FetchInput, init: FetchInit = {}): Promise<LeanResponse> => {
    if (typeof input === 'object' && !(input instanceof URL)) {
      return Promise.reject(new TypeError('lean fetch: pass a URL string and init, not a Request'));
    }
    const url = urlOf(input);
    const signal = init.signal ?? undefined;
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    let target: URL;
    let body: string | Uint8Array | undefined;
    try {
      target = new URL(url);
      body = requestBody(init.body);
    } catch (err) {
      return Promise.reject(err instanceof TypeError ? err : new TypeError(String(err)));
    }
    const method = (init.method ?? 'GET').toUpperCase() as Dispatcher.HttpMethod;
    return new Promise<LeanResponse>((resolve, reject) => {
      const handler = new LeanRequest(url, signal, resolve, reject);
      try {
        dispatcher.dispatch(
          { origin: target.origin, path: `${target.pathname}${target.search}`, method, headers: headerRecord(init.headers), body: body ?? null },
          handler,
        );
      } catch (err) {
        handler.onResponseError(undefined as never, err instanceof Error ? err : new Error(String(err)));
      }
    });
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
