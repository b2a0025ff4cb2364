import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { STATUS_CODES, type ServerResponse } from 'node:http';

export interface DeepgramError {
  status: number;
  errCode: string;
  message: string;
}

export const deepgramErrors = {
  auth: (): DeepgramError => ({ status: 401, errCode: 'INVALID_AUTH', message: 'Invalid credentials.' }),
  tooManyRequests: (): DeepgramError => ({
    status: 429,
    errCode: 'TOO_MANY_REQUESTS',
    message: 'Too many requests. Please try again later',
  }),
  server: (status: number): DeepgramError => ({ status, errCode: 'INTERNAL_SERVER_ERROR', message: 'Internal server error (injected)' }),
  badRequest: (message: string): DeepgramError => ({ status: 400, errCode: 'Bad Request', message }),
};

function body(error: DeepgramError, requestId: string): string {
  return JSON.stringify({ err_code: error.errCode, err_msg: error.message, request_id: requestId });
}

/** Refuses a WebSocket upgrade the way Deepgram does: a plain HTTP status with a dg-error header. */
export function refuseUpgrade(socket: Duplex, error: DeepgramError): void {
  const requestId = randomUUID();
  const payload = body(error, requestId);
  socket.end(
    `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? 'Error'}\r\n` +
      `dg-error: ${error.message}\r\n` +
      `dg-request-id: ${requestId}\r\n` +
      'content-type: application/json\r\n' +
      `content-length: ${Buffer.byteLength(payload)}\r\n` +
      'connection: close\r\n\r\n' +
      payload,
  );
}

export function sendDeepgramError(res: ServerResponse, error: DeepgramError): void {
  const requestId = randomUUID();
  res.writeHead(error.status, { 'content-type': 'application/json', 'dg-request-id': requestId, 'dg-error': error.message });
  res.end(body(error, requestId));
}
