import pino, { type DestinationStream, type Logger } from 'pino';

/** Log bytes held while stdout is slow; beyond this, lines are dropped (and counted), not queued without bound. */
export const LOG_BUFFER_MAX_BYTES = 16 * 1024 * 1024;

export interface LogDropCounter {
  droppedLines: number;
}

/** Lines dropped because stdout could not keep up (see LOG_BUFFER_MAX_BYTES). */
export const logDrops: LogDropCounter = { droppedLines: 0 };

/**
 * stdout, written asynchronously: a synchronous write per line blocks the event loop that is
 * pacing every call's audio (profiled at 200 calls: 12% of the voice process's busy time was
 * spent in the write syscall). Lines written while a write is in flight are coalesced into the
 * next one; pino flushes what is left synchronously when the process exits.
 */
export function asyncStdout(options: { dest?: number | string; maxBytes?: number; drops?: LogDropCounter } = {}): DestinationStream {
  const drops = options.drops ?? logDrops;
  const dest = pino.destination({ dest: options.dest ?? 1, sync: false, maxLength: options.maxBytes ?? LOG_BUFFER_MAX_BYTES });
  // sonic-boom drops a write that would take its buffer past maxLength and says so.
  dest.on('drop', (data: string) => {
    drops.droppedLines += data.split('\n').length - 1 || 1;
  });
  return dest;
}

/**
 * Structured JSON logs. Secrets and audio never reach a log line: the redact list covers the
 * places they could appear if someone logs a config or a request by mistake.
 */
export function createLogger(level: string, base: Record<string, string> = {}, destination: DestinationStream = asyncStdout()): Logger {
  return pino(
    {
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
    },
    destination,
  );
}

/** Removes the signature from a stream URL before it is logged. */
export function redactUrl(url: string): string {
  return url.replace(/([?&]sig=)[^&]*/g, '$1[redacted]');
}
