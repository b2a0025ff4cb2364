import pino, { type Logger } from 'pino';

/**
 * Structured JSON logs. Secrets and audio never reach a log line: the redact list covers the
 * places they could appear if someone logs a config or a request by mistake.
 */
export function createLogger(level: string, base: Record<string, string> = {}): Logger {
  return pino({
    level,
    base: { service: 'voice', ...base },
    redact: {
      paths: [
        '*.apiKey',
        '*.DEEPGRAM_API_KEY',
        '*.OPENAI_API_KEY',
        '*.ELEVENLABS_API_KEY',
        '*.STREAM_SIGNING_KEY',
        '*.MONGODB_URI',
        '*.REDIS_URL',
        '*.authorization',
        'headers.authorization',
        '*.payload',
        'sig',
      ],
      censor: '[redacted]',
    },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}

/** Removes the signature from a stream URL before it is logged. */
export function redactUrl(url: string): string {
  return url.replace(/([?&]sig=)[^&]*/g, '$1[redacted]');
}
