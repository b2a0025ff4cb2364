import { z } from 'zod';
import { normalizePhoneNumber } from './phone-number';

/**
 * The call details Exotel sends (Voicebot dynamic URL or Passthru). Field names are Exotel's;
 * `agent` is ours, set in the applet's URL. Unknown fields (custom fields) are allowed but have
 * already been checked for size and control characters.
 */
export interface CallRequest {
  callSid: string;
  /** E.164, or undefined when the caller's number is withheld. */
  callFrom?: string;
  callTo?: string;
  direction?: string;
  agentId?: string;
}

const ID = /^[A-Za-z0-9_-]{1,64}$/;

const fieldsSchema = z.object({
  CallSid: z.string({ required_error: 'missing-CallSid' }).regex(ID, 'invalid-CallSid'),
  CallFrom: z.string().optional(),
  CallTo: z.string().optional(),
  Direction: z
    .string()
    .regex(/^[A-Za-z][A-Za-z_-]{0,31}$/, 'invalid-Direction')
    .optional(),
  agent: z.string().regex(ID, 'invalid-agent').optional(),
});

export type CallRequestOutcome = { ok: true; call: CallRequest } | { ok: false; reason: string };

export function parseCallRequest(fields: ReadonlyMap<string, string>, defaultCountryCode: string): CallRequestOutcome {
  const parsed = fieldsSchema.safeParse(Object.fromEntries(fields));
  if (!parsed.success) return { ok: false, reason: parsed.error.issues[0]?.message ?? 'invalid-request' };
  const f = parsed.data;
  const call: CallRequest = { callSid: f.CallSid };
  for (const [name, value] of [
    ['CallFrom', f.CallFrom],
    ['CallTo', f.CallTo],
  ] as const) {
    if (value === undefined || value === '') continue;
    const e164 = normalizePhoneNumber(value, defaultCountryCode);
    if (e164 === undefined) return { ok: false, reason: `invalid-phone-number:${name}` };
    if (name === 'CallFrom') call.callFrom = e164;
    else call.callTo = e164;
  }
  if (f.Direction !== undefined) call.direction = f.Direction;
  if (f.agent !== undefined) call.agentId = f.agent;
  return { ok: true, call };
}
