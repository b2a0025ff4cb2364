import type { ALBEvent } from 'aws-lambda';

/**
 * Turns an ALB target event into one flat field map (query string merged with a form or JSON
 * body), or a reason to refuse it. Nothing here trusts the content: values are checked for
 * control characters and size, and validated per field in call-request.ts.
 */
export const MAX_BODY_BYTES = 16 * 1024;
const MAX_FIELDS = 64;
const MAX_NAME_CHARS = 64;
const MAX_VALUE_CHARS = 1024;
/** CR/LF and other control characters: a value carrying them is trying to inject something. */
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

export type FieldsOutcome =
  | { ok: true; fields: ReadonlyMap<string, string> }
  | { ok: false; status: 400 | 413; reason: string };

/** Header lookup across both ALB header shapes (multi-value headers when the target group enables them). */
export function albHeader(event: ALBEvent, name: string): string | undefined {
  const lower = name.toLowerCase();
  const multi = event.multiValueHeaders?.[lower];
  if (multi && multi.length > 0) return multi.join(', ');
  return event.headers?.[lower];
}

/** ALB hands Lambda the query string still percent-encoded: decode exactly once, as a form would. */
function queryPairs(event: ALBEvent): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  const push = (rawKey: string, rawValue: string): void => {
    for (const [k, v] of new URLSearchParams(`${rawKey}=${rawValue}`)) pairs.push([k, v]);
  };
  if (event.multiValueQueryStringParameters) {
    for (const [k, values] of Object.entries(event.multiValueQueryStringParameters)) {
      for (const v of values ?? []) push(k, v);
    }
  } else if (event.queryStringParameters) {
    for (const [k, v] of Object.entries(event.queryStringParameters)) push(k, v ?? '');
  }
  return pairs;
}

function bodyPairs(body: Buffer, contentType: string | undefined): Array<[string, string]> | { reason: string } {
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase();
  const text = body.toString('utf8');
  if (mediaType === 'application/x-www-form-urlencoded') return [...new URLSearchParams(text)];
  if (mediaType === 'application/json') {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return { reason: 'invalid-json' };
    }
    if (json === null || typeof json !== 'object' || Array.isArray(json)) return { reason: 'json-body-not-an-object' };
    const pairs: Array<[string, string]> = [];
    for (const [k, v] of Object.entries(json)) {
      if (v === null || v === undefined) continue;
      if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') return { reason: `json-field-not-scalar:${k.slice(0, MAX_NAME_CHARS)}` };
      pairs.push([k, String(v)]);
    }
    return pairs;
  }
  return { reason: 'unsupported-content-type' };
}

export function readRequestFields(event: ALBEvent): FieldsOutcome {
  const pairs = queryPairs(event);

  if (event.httpMethod === 'POST' && event.body) {
    const body = Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
    if (body.byteLength > MAX_BODY_BYTES) return { ok: false, status: 413, reason: 'body-too-large' };
    if (body.byteLength > 0) {
      const parsed = bodyPairs(body, albHeader(event, 'content-type'));
      if (!Array.isArray(parsed)) return { ok: false, status: 400, reason: parsed.reason };
      pairs.push(...parsed);
    }
  }

  if (pairs.length > MAX_FIELDS) return { ok: false, status: 400, reason: 'too-many-fields' };
  const fields = new Map<string, string>();
  for (const [name, value] of pairs) {
    if (name.length === 0 || name.length > MAX_NAME_CHARS || CONTROL_CHARS.test(name)) {
      return { ok: false, status: 400, reason: 'invalid-field-name' };
    }
    if (value.length > MAX_VALUE_CHARS) return { ok: false, status: 400, reason: `field-too-long:${name}` };
    if (CONTROL_CHARS.test(value)) return { ok: false, status: 400, reason: `control-characters:${name}` };
    const seen = fields.get(name);
    // The same field twice with different values (query vs body, or repeated): which one is meant
    // is ambiguous, and ambiguity is how parameter-pollution attacks work.
    if (seen !== undefined && seen !== value) return { ok: false, status: 400, reason: `conflicting-field:${name}` };
    fields.set(name, value);
  }
  return { ok: true, fields };
}
