import type { ALBResult } from 'aws-lambda';

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  400: 'Bad Request',
  404: 'Not Found',
  405: 'Method Not Allowed',
  413: 'Payload Too Large',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function jsonResponse(statusCode: number, body: Record<string, unknown>, headers: Record<string, string> = {}): ALBResult {
  return {
    statusCode,
    statusDescription: `${statusCode} ${STATUS_TEXT[statusCode] ?? 'Status'}`,
    isBase64Encoded: false,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}
