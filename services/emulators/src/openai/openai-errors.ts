import type { ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { sendJson } from '../http/read-json-body';

/** Sends an error in OpenAI's shape: {"error":{message,type,param,code}}. */
export function sendOpenAiError(
  res: ServerResponse,
  status: number,
  error: { message: string; type: string; code: string | null; param?: string | null },
  headers: Record<string, string> = {},
): void {
  sendJson(res, status, { error: { message: error.message, type: error.type, param: error.param ?? null, code: error.code } }, {
    'x-request-id': `req_${randomUUID().replace(/-/g, '')}`,
    ...headers,
  });
}

export const openAiErrors = {
  auth: { message: 'Incorrect API key provided.', type: 'invalid_request_error', code: 'invalid_api_key' },
  rateLimit: (limit: number) => ({
    message: `Rate limit reached for requests: limit ${limit} concurrent requests. Please try again later.`,
    type: 'requests',
    code: 'rate_limit_exceeded',
  }),
  server: { message: 'The server had an error while processing your request. Sorry about that!', type: 'server_error', code: null },
  badRequest: (message: string) => ({ message, type: 'invalid_request_error', code: null }),
};
