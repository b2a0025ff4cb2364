import { sharedLeanFetch } from './lean-fetch';
import { PushBody } from './push-body';

/**
 * The `fetcher` option of the Fern-generated SDKs (@elevenlabs/elevenlabs-js, @deepgram/sdk): the
 * SDK still builds, validates and serialises the request and maps the answer to its own errors;
 * this replaces only the transport layer under it.
 *
 * Why: Fern's own fetcher wraps every request in two AbortControllers joined by listeners, a
 * timeout timer, a retry loop and an awaited supplier per header. A TTS request lives for seconds
 * (its audio streams at speaking pace), so all of that survives young-generation GCs and is copied
 * by them: at 200 calls the ElevenLabs SDK was the largest source of bytes promoted to the old
 * space after the fetch itself. Here a request is one signal (ours, or ours joined with the
 * timeout) and the lean fetch.
 */

/** What Fern passes to a custom fetcher (core/fetcher/Fetcher.d.ts, the fields we honour). */
export interface FernFetcherArgs {
  url: string;
  method: string;
  contentType?: string;
  headers?: Record<string, unknown>;
  queryParameters?: Record<string, unknown>;
  queryString?: string;
  body?: unknown;
  timeoutMs?: number;
  abortSignal?: AbortSignal;
  requestType?: 'json' | 'file' | 'bytes' | 'form' | 'other';
  responseType?: 'json' | 'blob' | 'sse' | 'streaming' | 'text' | 'arrayBuffer' | 'binary-response';
}

interface FernRawResponse {
  headers: Headers;
  redirected: boolean;
  status: number;
  statusText: string;
  type: ResponseType;
  url: string;
}

type FernError =
  | { reason: 'status-code'; statusCode: number; body: unknown }
  | { reason: 'timeout'; cause?: unknown }
  | { reason: 'unknown'; errorMessage: string; cause?: unknown };

export type FernApiResponse<R> =
  | { ok: true; body: R; headers?: Record<string, unknown>; rawResponse: FernRawResponse }
  | { ok: false; error: FernError; rawResponse: FernRawResponse };

const ABORTED: FernRawResponse = { headers: new Headers(), redirected: false, status: 499, statusText: 'Client Closed Request', type: 'error', url: '' };
const UNKNOWN: FernRawResponse = { headers: new Headers(), redirected: false, status: 0, statusText: 'Unknown Error', type: 'error', url: '' };

function headerText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? value : String(value as string | number | boolean);
}

/** Fern header values may be suppliers (functions or promises) resolved per request; most are plain strings. */
function requestHeaders(args: FernFetcherArgs): Record<string, string> | Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  let pending: Array<Promise<void>> | undefined;
  const headers = args.headers ?? {};
  for (const key in headers) {
    const value = headers[key];
    const supplied: unknown = typeof value === 'function' ? (value as () => unknown)() : value;
    if (supplied instanceof Promise) {
      (pending ??= []).push(
        supplied.then((resolved: unknown) => {
          const v = headerText(resolved);
          if (v !== undefined) out[key] = v;
        }),
      );
    } else {
      const v = headerText(supplied);
      if (v !== undefined) out[key] = v;
    }
  }
  if (args.contentType !== undefined && args.body !== undefined) out['Content-Type'] = args.contentType;
  return pending ? Promise.all(pending).then(() => out) : out;
}

function requestUrl(args: FernFetcherArgs): string {
  if (args.queryString) return `${args.url}?${args.queryString}`;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(args.queryParameters ?? {})) {
    if (value === undefined || value === null) continue;
    for (const v of Array.isArray(value) ? value : [value]) params.append(key, String(v as string));
  }
  const query = params.toString();
  return query ? `${args.url}?${query}` : args.url;
}

function requestBody(args: FernFetcherArgs): string | Uint8Array<ArrayBuffer> | undefined {
  if (args.body === undefined) return undefined;
  if (args.requestType === 'json' || args.requestType === undefined) return JSON.stringify(args.body);
  if (typeof args.body === 'string') return args.body;
  if (args.body instanceof Uint8Array) return new Uint8Array(args.body);
  throw new TypeError(`fern fetcher: ${args.requestType} request bodies are not supported`);
}

async function errorBody(res: Response): Promise<unknown> {
  const text = await res.text();
  if ((res.headers.get('content-type') ?? '').includes('json')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

function rawOf(res: Response): FernRawResponse {
  return {
    // Read only by callers that ask (the lean fetch builds a Headers object on first read).
    get headers() {
      return res.headers;
    },
    redirected: false,
    status: res.status,
    statusText: res.statusText,
    type: 'basic',
    url: res.url,
  };
}

async function successBody(res: Response, responseType: FernFetcherArgs['responseType']): Promise<unknown> {
  switch (responseType) {
    case 'streaming':
    case 'sse':
      return res.body;
    case 'binary-response':
      return {
        get bodyUsed() {
          return res.bodyUsed;
        },
        stream: () => res.body,
        arrayBuffer: () => res.arrayBuffer(),
        blob: () => res.blob(),
        bytes: async () => new Uint8Array(await res.arrayBuffer()),
      };
    case 'text':
      return res.text();
    case 'arrayBuffer':
      return res.arrayBuffer();
    case 'blob':
      return res.blob();
    default: {
      const text = await res.text();
      return text.length > 0 ? (JSON.parse(text) as unknown) : undefined;
    }
  }
}

/** A Fern `FetchFunction` over the lean fetch (see the module comment for why). */
export function createFernFetcher(fetchFn: typeof fetch = sharedLeanFetch()) {
  return async <R>(args: FernFetcherArgs): Promise<FernApiResponse<R>> => {
    // One controller: aborted by the caller's signal, or by the timeout until the headers arrive
    // (as Fern's: a streamed body may outlast it). The listener goes when the request is done.
    const controller = new AbortController();
    const caller = args.abortSignal;
    const onCallerAbort = (): void => controller.abort(caller?.reason);
    if (caller?.aborted) onCallerAbort();
    else caller?.addEventListener('abort', onCallerAbort, { once: true });
    const detach = (): void => caller?.removeEventListener('abort', onCallerAbort);
    let timedOut = false;
    const timer =
      args.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            controller.abort(new DOMException('The operation timed out', 'TimeoutError'));
          }, args.timeoutMs);
    try {
      let res: Response;
      try {
        const headers = requestHeaders(args);
        res = await fetchFn(requestUrl(args), {
          method: args.method,
          headers: headers instanceof Promise ? await headers : headers,
          body: requestBody(args),
          signal: controller.signal,
        });
      } finally {
        clearTimeout(timer);
      }
      const streamed = res.ok && (args.responseType === 'streaming' || args.responseType === 'sse' || args.responseType === 'binary-response');
      if (streamed) {
        const body: unknown = res.body;
        if (body instanceof PushBody) body.onClose(detach);
        else if (typeof (body as { once?: unknown } | null)?.once === 'function') (body as NodeJS.EventEmitter).once('close', detach);
        else detach();
      }
      if (res.status >= 200 && res.status < 400) {
        const body = (await successBody(res, args.responseType)) as R;
        if (!streamed) detach();
        return { ok: true, body, rawResponse: rawOf(res) };
      }
      const error = await errorBody(res);
      detach();
      return { ok: false, error: { reason: 'status-code', statusCode: res.status, body: error }, rawResponse: rawOf(res) };
    } catch (err) {
      detach();
      if (caller?.aborted) {
        return { ok: false, error: { reason: 'unknown', errorMessage: 'The user aborted a request', cause: err }, rawResponse: ABORTED };
      }
      if (timedOut) return { ok: false, error: { reason: 'timeout', cause: err }, rawResponse: UNKNOWN };
      const message = err instanceof Error ? err.message : String(err);
      return { ok: false, error: { reason: 'unknown', errorMessage: message, cause: err }, rawResponse: UNKNOWN };
    }
  };
}

let shared: ReturnType<typeof createFernFetcher> | undefined;
/** One fetcher (over the shared connection pool) for every Fern client in the process. */
export function sharedFernFetcher(): ReturnType<typeof createFernFetcher> {
  shared ??= createFernFetcher();
  return shared;
}
