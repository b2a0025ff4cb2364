/**
 * Caller numbers become rate-limit keys, so every spelling of one number must map to one key.
 * Accepted: E.164 (`+919876543210`), E.164 without the plus (`919876543210`), and the national
 * trunk-prefixed form Exotel uses for Indian numbers (`09876543210`, country code from config).
 * Anything else (letters, spaces, punctuation, control characters) is not a phone number.
 */
export function normalizePhoneNumber(raw: string, defaultCountryCode: string): string | undefined {
  if (/^\+[1-9]\d{7,14}$/.test(raw)) return raw;
  if (/^[1-9]\d{7,14}$/.test(raw)) return `+${raw}`;
  const national = /^0(\d{6,14})$/.exec(raw);
  if (national?.[1]) {
    const e164 = `+${defaultCountryCode}${national[1]}`;
    return e164.length <= 16 ? e164 : undefined;
  }
  return undefined;
}

/** For logs: enough to correlate, not enough to identify the caller. */
export function maskPhoneNumber(e164: string): string {
  return e164.length <= 4 ? '****' : `${'*'.repeat(e164.length - 4)}${e164.slice(-4)}`;
}
