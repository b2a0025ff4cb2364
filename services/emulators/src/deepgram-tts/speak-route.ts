import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { AudioFormat } from '../audio/audio-format';
import { speechLikeAudio } from '../audio/speech-like-audio';
import { wavHeader } from '../audio/wav-header';
import { deepgramKey, isKeyAccepted } from '../auth';
import type { EmulatorContext } from '../context';
import { deepgramErrors, sendDeepgramError } from '../deepgram-stt/deepgram-errors';
import { readJsonBody } from '../http/read-json-body';
import { sendPacedAudio } from '../http/paced-audio-response';

const querySchema = z.object({
  model: z.string().default('aura-2-thalia-en'),
  encoding: z.enum(['linear16', 'mulaw']).default('linear16'),
  sample_rate: z.string().regex(/^\d+$/).transform(Number).optional(),
  container: z.enum(['none', 'wav']).optional(),
});

const bodySchema = z.object({ text: z.string().min(1) });

/** POST /v1/speak — Deepgram Aura REST TTS: chunked audio whose length follows the text. */
export async function handleSpeak(ctx: EmulatorContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const counters = ctx.counters.deepgramTts;
  counters.countRequest();
  if (!isKeyAccepted(deepgramKey(req.headers), ctx.config.apiKey)) {
    counters.countAuthFailure();
    sendDeepgramError(res, deepgramErrors.auth());
    return;
  }
  const query = querySchema.safeParse(Object.fromEntries(url.searchParams));
  const body = await readJsonBody(req);
  const parsedBody = body.ok ? bodySchema.safeParse(body.value) : undefined;
  if (!query.success || parsedBody === undefined || !parsedBody.success) {
    sendDeepgramError(res, deepgramErrors.badRequest(query.success ? 'Body must be JSON with a non-empty "text"' : 'Unsupported query parameters (emulator: encoding linear16|mulaw, container none|wav)'));
    return;
  }
  const statusFault = ctx.faults.takeStatusFault('deepgramTts');
  if (statusFault !== undefined) {
    counters.countFault();
    if (statusFault.kind === '429') counters.count429();
    sendDeepgramError(res, statusFault.kind === '429' ? deepgramErrors.tooManyRequests() : deepgramErrors.server(statusFault.status ?? 503));
    return;
  }
  const timing = { ...ctx.config.deepgramTts };
  const release = counters.tryAcquire(timing.limit);
  if (release === undefined) {
    counters.count429();
    sendDeepgramError(res, deepgramErrors.tooManyRequests());
    return;
  }
  const { encoding, sample_rate: sampleRate, container, model } = query.data;
  const format: AudioFormat = { encoding, sampleRateHz: sampleRate ?? (encoding === 'mulaw' ? 8000 : 24000), channels: 1 };
  const samples = speechLikeAudio(format, parsedBody.data.text.length * timing.msPerChar);
  // Deepgram wraps linear16 in a WAV container unless container=none is asked for.
  const withContainer = (container ?? (encoding === 'linear16' ? 'wav' : 'none')) === 'wav';
  const audio = withContainer ? Buffer.concat([wavHeader(format, samples.length), samples]) : samples;
  sendPacedAudio({
    res,
    audio,
    format,
    timing,
    headers: {
      'content-type': withContainer ? 'audio/wav' : 'application/octet-stream',
      'dg-model-name': model,
      'dg-char-count': String(parsedBody.data.text.length),
      'dg-request-id': randomUUID(),
    },
    fault: ctx.faults.takeStreamFault('deepgramTts'),
    counters,
    release,
  });
}
