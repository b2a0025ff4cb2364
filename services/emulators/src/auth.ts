import type { IncomingHttpHeaders } from 'node:http';

/** Any non-empty key passes unless a key is configured, then only that one. */
export function isKeyAccepted(key: string | undefined, requiredKey: string): boolean {
  if (key === undefined || key.length === 0) return false;
  return requiredKey.length === 0 || key === requiredKey;
}

/** Deepgram: `Authorization: Token <key>` (or Bearer), or the WebSocket subprotocol pair `token, <key>`. */
export function deepgramKey(headers: IncomingHttpHeaders): string | undefined {
  const header = headers.authorization;
  if (header !== undefined) {
    const match = /^(?:token|bearer)\s+(\S+)$/i.exec(header.trim());
    return match?.[1];
  }
  const protocols = (headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
  const tokenIndex = protocols.indexOf('token');
  return tokenIndex >= 0 ? protocols[tokenIndex + 1] : undefined;
}

/** OpenAI: `Authorization: Bearer <key>`. */
export function bearerKey(headers: IncomingHttpHeaders): string | undefined {
  const match = /^bearer\s+(\S+)$/i.exec((headers.authorization ?? '').trim());
  return match?.[1];
}

/** ElevenLabs: `xi-api-key: <key>`. */
export function xiApiKey(headers: IncomingHttpHeaders): string | undefined {
  const value = headers['xi-api-key'];
  return Array.isArray(value) ? value[0] : value;
}
