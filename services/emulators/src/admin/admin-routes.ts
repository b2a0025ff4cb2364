import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ZodType } from 'zod';
import type { DeepPartial, EmulatorConfig } from '../config';
import type { FaultSpec, ProviderName } from '../faults';
import { readJsonBody, sendJson } from '../http/read-json-body';
import { configPatchSchema, scriptSchema, setFaultSchema } from './admin-schemas';

/** What the admin endpoints act on (the RunningEmulators handle provides it). */
export interface AdminTarget {
  stats(): unknown;
  openaiRequests(): readonly unknown[];
  setFault(provider: ProviderName, fault: FaultSpec | null): void;
  patchConfig(patch: DeepPartial<EmulatorConfig>): void;
  setTranscriptScript(tag: string, lines: string[]): void;
  reset(): void;
}

export const ADMIN_PREFIX = '/__emulator/';

/**
 * Admin HTTP for cross-process use (bench, demo). No provider auth: the server binds 127.0.0.1
 * only. Returns false when the path is not an admin path.
 */
export async function handleAdmin(target: AdminTarget, req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> {
  const action = path.slice(ADMIN_PREFIX.length);
  if (req.method === 'GET' && action === 'stats') {
    sendJson(res, 200, target.stats());
    return true;
  }
  if (req.method === 'GET' && action === 'openai-requests') {
    sendJson(res, 200, target.openaiRequests());
    return true;
  }
  if (req.method !== 'POST') return false;
  switch (action) {
    case 'faults':
      await withBody(req, res, setFaultSchema, (body) => target.setFault(body.provider, body.fault));
      return true;
    case 'config':
      await withBody(req, res, configPatchSchema, (body) => target.patchConfig(body));
      return true;
    case 'scripts':
      await withBody(req, res, scriptSchema, (body) => target.setTranscriptScript(body.tag, body.lines));
      return true;
    case 'reset':
      target.reset();
      sendJson(res, 200, { ok: true });
      return true;
    default:
      return false;
  }
}

async function withBody<T>(req: IncomingMessage, res: ServerResponse, schema: ZodType<T>, apply: (body: T) => void): Promise<void> {
  const body = await readJsonBody(req);
  if (!body.ok) {
    sendJson(res, 400, { error: body.message });
    return;
  }
  const parsed = schema.safeParse(body.value);
  if (!parsed.success) {
    sendJson(res, 400, { error: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
    return;
  }
  apply(parsed.data);
  sendJson(res, 200, { ok: true });
}
